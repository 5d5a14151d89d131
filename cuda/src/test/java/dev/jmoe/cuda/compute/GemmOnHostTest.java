package dev.jmoe.cuda.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The PTX GEMM {@code gemm_f32_nt} (the fallback where no cuBLAS loads) computed without a GPU: nvcc builds
 * {@code gemm_host.cu}, which runs the kernel's phases (tile load, accumulate, store) for all 256 threads of each
 * block between the points its barriers separate. Shapes off every tile edge (64 rows and tokens, 16 of k), and a
 * {@code ldy} wider than the rows, as a chunk of weight rows writes its columns of a wider result; against a
 * double-precision product within n·u·Σ|w·x|, and nothing written outside the product. Skipped without nvcc.
 */
class GemmOnHostTest {
    @TempDir
    static Path dir;
    private static HostKernelProgram gemm;

    @BeforeAll
    static void build() throws IOException, InterruptedException {
        gemm = HostKernelProgram.build("gemm_host.cu", dir);
    }

    @ParameterizedTest
    @CsvSource({"1, 1, 1, 1", "3, 17, 5, 3", "64, 64, 64, 64", "65, 33, 2, 70", "130, 16, 130, 130", "7, 100, 1, 9"})
    void tilesOffEveryEdge(int rows, int cols, int tokens, int ldy) throws IOException, InterruptedException {
        SplittableRandom random = new SplittableRandom(rows * 131L + cols * 7L + tokens);
        float[] w = new float[rows * cols], x = new float[tokens * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) random.nextDouble(-1, 1);
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextDouble(-1, 1);
        Path out = gemm.file("y.bin");
        gemm.run(rows, cols, tokens, ldy, gemm.floats("w.bin", w), gemm.floats("x.bin", x), out);
        float[] y = HostKernelProgram.readFloats(out, tokens * ldy);
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < ldy; r++) {
                if (r >= rows) {
                    assertEquals(0f, y[t * ldy + r], "y[" + t + "][" + r + "] lies beyond the rows: not written");
                    continue;
                }
                ReferenceProduct.assertDot(rows + "x" + cols + ", " + tokens + " tokens: y[" + t + "][" + r + "]", w, r * cols, x, t * cols, cols,
                        y[t * ldy + r]);
            }
        }
    }
}
