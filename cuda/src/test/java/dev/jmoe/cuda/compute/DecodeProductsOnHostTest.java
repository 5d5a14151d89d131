package dev.jmoe.cuda.compute;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.kernel.RandomWeights;
import dev.jmoe.host.kernel.ScalarDequant;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The decode products of {@code matvec.cu}, {@code matvec_f32} and {@code matvec_pairs_f32}, computed without a
 * GPU: nvcc builds {@code kernels-ptx/src/test/cuda/products_host.cu}, which runs the kernels' own per-lane code
 * ({@code lane_shares}, {@code pair_row}, {@code pair_token}) for all 32 lanes and sums them as the warp's
 * shuffles do. Against a double-precision product of the host reference's dequantized weights within the bound of
 * a float dot product in any order, n·u·Σ|w·x|, as the GPU test does; rows off the warp blocks, 1 to 8 tokens, and
 * pairs that repeat and skip experts. Skipped without nvcc.
 */
class DecodeProductsOnHostTest {
    @TempDir
    static Path dir;
    private static HostKernelProgram products;

    @BeforeAll
    static void build() throws IOException, InterruptedException {
        products = HostKernelProgram.build("products_host.cu", dir);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void matvecOfOneToEightTokens(GgmlType type) throws IOException, InterruptedException {
        int rows = 13, cols = 512;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = weights(arena, type, rows * cols);
            float[] dense = ScalarDequant.row(type, w, 0, rows * cols);
            for (int tokens : new int[] {1, 3, 8}) {
                float[] x = activations(tokens * cols, tokens);
                Path out = products.file("out.bin");
                products.run("matvec", type.id, rows, cols, tokens, products.write("w.bin", w.toArray(ValueLayout.JAVA_BYTE)),
                        products.floats("x.bin", x), out);
                float[] got = HostKernelProgram.readFloats(out, tokens * rows);
                for (int t = 0; t < tokens; t++) {
                    for (int r = 0; r < rows; r++) ReferenceProduct.assertDot(type + " token " + t + " row " + r, dense, r * cols, x, t * cols, cols, got[t * rows + r]);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void expertPairsOfAStack(GgmlType type) throws IOException, InterruptedException {
        int experts = 5, rows = 11, cols = 256, tokens = 3;
        int[] pairToken = {0, 0, 1, 1, 2, 2, 2}, pairExpert = {4, 1, 1, 3, 0, 4, 1};   // expert 2 never, 1 three times
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = weights(arena, type, experts * rows * cols);
            float[] x = activations(tokens * cols, 40);
            int[] pairs = new int[2 * pairToken.length];
            for (int p = 0; p < pairToken.length; p++) {
                pairs[2 * p] = pairToken[p];
                pairs[2 * p + 1] = pairExpert[p];
            }
            Path out = products.file("out.bin");
            products.run("pairs", type.id, rows, cols, experts, tokens, products.write("w.bin", w.toArray(ValueLayout.JAVA_BYTE)),
                    products.floats("x.bin", x), products.ints("pairs.bin", pairs), out);
            float[] got = HostKernelProgram.readFloats(out, pairToken.length * rows);
            float[] dense = ScalarDequant.row(type, w, 0, experts * rows * cols);
            for (int p = 0; p < pairToken.length; p++) {
                for (int r = 0; r < rows; r++) {
                    ReferenceProduct.assertDot(type + " pair " + p + " row " + r, dense, (pairExpert[p] * rows + r) * cols, x, pairToken[p] * cols, cols, got[p * rows + r]);
                }
            }
        }
    }

    private static MemorySegment weights(Arena arena, GgmlType type, long elements) {
        MemorySegment w = arena.allocate(type.bytesFor((int) elements), 64);
        RandomWeights.fill(type, w, 100 + type.id);
        return w;
    }

    private static float[] activations(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextDouble(-1, 1);
        return x;
    }

}
