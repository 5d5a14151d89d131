package dev.jmoe.cuda.compute;


import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.kernel.ScalarDequant;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The GPU weight product against a double-precision reference over the scalar-dequantized weights: shapes off
 * every tile edge, a scratch small enough to force several row chunks, a quantized type of each family, and both
 * paths (up to eight tokens read the quantized rows directly; more are dequantized and multiplied).
 * The bound is the classic one for a float dot product in any order: n·u·Σ|w·x| (plus a little for the tree).
 */
@Tag("gpu")
class GpuMatmulGpuTest {

    /** Both GEMMs: the PTX one, and the one the backend chooses (cuBLAS where it loads). */
    @ParameterizedTest
    @CsvSource({"1, 1, 1", "3, 17, 5", "64, 64, 64", "65, 1000, 2", "130, 16, 130", "7, 4096, 1"})
    void f32ShapesOffTheTileEdges(int rows, int cols, int tokens) {
        CudaContext context = GpuFixture.context();
        check(GgmlType.F32, rows, cols, tokens, GpuMatmul.SCRATCH_BYTES, new PtxGemm(context));
        check(GgmlType.F32, rows, cols, tokens, GpuMatmul.SCRATCH_BYTES, GpuMatmul.chooseGemm(context));
    }

    @Test
    void rowsBeyondOneScratchGoInChunks() {
        check(GgmlType.Q8_0, 37, 256, 9, 4L * 256 * 5, null);   // five rows per chunk: eight chunks, the last of two rows
    }

    /** Four tokens take matvec_f32 (the quantized rows read directly), twelve the dequantize-and-GEMM path. */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F16", "BF16", "Q8_0", "Q4_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void quantizedWeights(GgmlType type) {
        check(type, 19, 512, 4, GpuMatmul.SCRATCH_BYTES, null);
        check(type, 19, 512, 12, GpuMatmul.SCRATCH_BYTES, null);
    }

    @Test
    void matvecTakesUpToEightTokensAndRowsOffTheWarpBlocks() {
        for (int tokens = 1; tokens <= 8; tokens++) check(GgmlType.Q4_K, 13, 768, tokens, GpuMatmul.SCRATCH_BYTES, null);
    }

    /**
     * An expert stack's (token, expert) pairs in one matvec_pairs_f32 launch (three tokens, as in decode): each
     * pair's rows against the reference of its own expert and token, the unrouted experts never read.
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void expertPairsOfAStackInOneLaunch(GgmlType type) {
        CudaContext context = GpuFixture.context();
        int experts = 5, rows = 13, cols = 512, tokens = 3;
        int[] pairToken = {0, 0, 1, 1, 2, 2, 2}, pairExpert = {4, 1, 1, 3, 0, 4, 1};
        SplittableRandom random = new SplittableRandom(type.id);
        float[] x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextDouble(-1, 1);
        try (Arena arena = Arena.ofConfined(); GpuMatmul matmul = new GpuMatmul(context)) {
            MemorySegment w = RandomBlocks.of(type, (long) experts * rows * cols, 40 + type.id, arena);
            long expertBytes = type.bytesFor(cols) * rows;
            float[] out = new float[pairToken.length * rows];
            try (DeviceMemory dw = context.allocate(w.byteSize())) {
                dw.upload(w, 0);
                matmul.pairs(dw.address(), expertBytes, type, cols, rows, experts, x, tokens, pairToken, pairExpert, out);
            }
            float[] dense = ScalarDequant.row(type, w, 0, experts * rows * cols);
            for (int i = 0; i < pairToken.length; i++) {
                for (int r = 0; r < rows; r++) {
                    ReferenceProduct.assertDot("%s pair %d (token %d, expert %d) row %d".formatted(type, i, pairToken[i], pairExpert[i], r),
                            dense, (pairExpert[i] * rows + r) * cols, x, pairToken[i] * cols, cols, out[i * rows + r]);
                }
            }
        }
    }

    /** Checks a product on {@code gemm} (null: the one the backend chooses), which it closes. */
    private static void check(GgmlType type, int rows, int cols, int tokens, long scratch, Gemm gemm) {
        CudaContext context = GpuFixture.context();
        if (gemm == null) gemm = GpuMatmul.chooseGemm(context);
        String name = gemm.name();
        SplittableRandom random = new SplittableRandom(rows * 31L + cols * 7L + tokens);
        float[] x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextDouble(-1, 1);
        try (Arena arena = Arena.ofConfined();
             GpuMatmul matmul = new GpuMatmul(context, scratch, gemm)) {
            MemorySegment w = RandomBlocks.of(type, (long) rows * cols, type.id + rows, arena);
            float[] out = new float[tokens * rows];
            try (DeviceMemory dw = context.allocate(w.byteSize())) {
                dw.upload(w, 0);
                matmul.multiply(dw.address(), type, cols, rows, x, tokens, out);
            }
            float[] dense = ScalarDequant.row(type, w, 0, rows * cols);
            for (int t = 0; t < tokens; t++) {
                for (int r = 0; r < rows; r++) {
                    ReferenceProduct.assertDot("%s on %s, %dx%d, %d tokens: out[%d][%d]".formatted(type, name, rows, cols, tokens, t, r),
                            dense, r * cols, x, t * cols, cols, out[t * rows + r]);
                }
            }
        }
    }
}
