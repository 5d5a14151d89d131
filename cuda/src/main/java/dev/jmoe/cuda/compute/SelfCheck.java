package dev.jmoe.cuda.compute;

import dev.jmoe.host.engine.AttentionShape;
import dev.jmoe.host.engine.CacheType;
import dev.jmoe.host.engine.KvCache;
import dev.jmoe.host.engine.KvRows;
import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.kernel.RandomWeights;
import dev.jmoe.host.kernel.ScalarDequant;
import dev.jmoe.kernels.Ptx;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import dev.jmoe.host.model.Device;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A product of a few known numbers on the device, run once before the backend is offered: a driver that
 * lists a device but cannot JIT our PTX, or a kernel that computes nonsense there, then makes the engine run
 * CPU-only with the reason instead of producing wrong text. The numbers are small integers, so the exact
 * answer is known here and the device must give it bit for bit. The weights are Q8_0 blocks with scale 1,
 * so the check also runs the dequantization of a quantized type. Attention is checked too, over an f16 cache of
 * small integers with zero queries: every score is 0, every weight exactly 1, so each output is the exact mean of
 * the value rows its position sees (which also checks the causal bound). And every GGML type the kernels decode is
 * dequantized from random bytes and compared with the host reference bit for bit (NaN for NaN), and multiplied by
 * the decode kernel, which reads the blocks itself, so a layout the device reads wrongly stops the backend here
 * instead of producing plausible wrong text.
 */
public final class SelfCheck {
    private static final int COLS = 96;   // three Q8_0 blocks; six k-tiles of the GEMM
    private static final int ROWS = 3;
    /** Two tokens take the matvec kernel, nine the dequantize-and-GEMM path: both are checked. */
    private static final int[] TOKEN_COUNTS = {2, 9};

    /** 1.0 as an IEEE half. */
    private static final short F16_ONE = 0x3C00;

    private SelfCheck() {}

    /** Why the device decodes some type differently from {@link ScalarDequant}, or empty. */
    private static Optional<String> dequantization(CudaContext context, int ordinal, Arena arena) {
        CUmodule module = context.load(Ptx.image(Ptx.DEQUANT));
        try {
            KernelLaunch dequant = new KernelLaunch(module, Ptx.DEQUANT_F32, "PIPP");
            SplittableRandom random = new SplittableRandom(20261201);
            for (GgmlType type : GgmlType.values()) {
                if (!ScalarDequant.supports(type)) continue;
                int elements = 2 * Math.max(type.blockSize, 32);
                MemorySegment bytes = arena.allocate(type.bytesFor(elements), 64);
                for (long i = 0; i < bytes.byteSize(); i++) bytes.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt());
                float[] got = new float[elements];
                try (DeviceMemory src = context.allocate(bytes.byteSize()); DeviceMemory dst = context.allocate(4L * elements)) {
                    src.upload(bytes, 0);
                    dequant.pointer(0, src.address()).integer(1, type.id).pointer(2, elements).pointer(3, dst.address()).launch(1, 1, 128, 1, null);
                    dst.download(got, elements);
                }
                float[] want = ScalarDequant.row(type, bytes, 0, elements);
                for (int i = 0; i < elements; i++) {
                    boolean same = Float.floatToIntBits(got[i]) == Float.floatToIntBits(want[i]) || (Float.isNaN(got[i]) && Float.isNaN(want[i]));
                    if (!same) {
                        return Optional.of("self-check failed on CUDA" + ordinal + ": " + type + " element " + i + " decodes to "
                                + got[i] + ", the host reference to " + want[i]);
                    }
                }
            }
            return Optional.empty();
        } finally {
            JCudaDriver.cuModuleUnload(module);
        }
    }

    /**
     * Why the decode product ({@code matvec_f32}, which reads each type's blocks itself rather than through the
     * dequantization kernel) disagrees with the host reference for some type, or empty. Valid random blocks of
     * every type (finite scales), two tokens; the device may sum in another order, so the bound is relative to the
     * sum of the magnitudes of the products.
     */
    private static Optional<String> decodeProducts(CudaContext context, GpuMatmul matmul, int ordinal, Arena arena) {
        int rows = 3, tokens = 2;
        SplittableRandom random = new SplittableRandom(20261202);
        for (GgmlType type : GgmlType.values()) {
            if (!ScalarDequant.supports(type) || !GpuMatmul.supports(type)) continue;
            int cols = 2 * Math.max(type.blockSize, 32);
            MemorySegment w = arena.allocate(type.bytesFor(cols) * rows, 64);
            RandomWeights.fill(type, w, 7 + type.id);
            float[] x = new float[tokens * cols];
            for (int i = 0; i < x.length; i++) x[i] = (float) random.nextDouble(-1, 1);
            float[] out = new float[tokens * rows];
            // The same rows as a stack of three one-row experts, through the pairs kernel of the MoE decode.
            int[] pairToken = {0, 1, 1, 0}, pairExpert = {2, 0, 1, 0};
            float[] pairOut = new float[pairToken.length];
            try (DeviceMemory dw = context.allocate(w.byteSize())) {
                dw.upload(w, 0);
                matmul.multiply(dw.address(), type, cols, rows, x, tokens, out);
                matmul.pairs(dw.address(), type.bytesFor(cols), type, cols, 1, rows, x, tokens, pairToken, pairExpert, pairOut);
            }
            for (int r = 0; r < rows; r++) {
                float[] row = ScalarDequant.row(type, w, r * type.bytesFor(cols), cols);
                for (int t = 0; t < tokens; t++) {
                    Optional<String> wrong = compare(row, x, t * cols, out[t * rows + r], type + " decode product [" + t + "][" + r + "]", ordinal);
                    if (wrong.isPresent()) return wrong;
                }
            }
            for (int i = 0; i < pairToken.length; i++) {
                float[] row = ScalarDequant.row(type, w, pairExpert[i] * type.bytesFor(cols), cols);
                Optional<String> wrong = compare(row, x, pairToken[i] * cols, pairOut[i], type + " expert pair " + i, ordinal);
                if (wrong.isPresent()) return wrong;
            }
        }
        return Optional.empty();
    }

    /** Why {@code got} is not row · x[from ..] within the reordering bound, or empty. */
    private static Optional<String> compare(float[] row, float[] x, int from, float got, String what, int ordinal) {
        double want = 0, magnitude = 0;
        for (int k = 0; k < row.length; k++) {
            double p = (double) row[k] * x[from + k];
            want += p;
            magnitude += Math.abs(p);
        }
        if (Math.abs(got - want) <= 1e-4 * magnitude + 1e-6) return Optional.empty();   // far above float reordering, far below a misread block
        return Optional.of("self-check failed on CUDA" + ordinal + ": " + what + " is " + got + ", the host reference " + want);
    }

    /** Why attention over an f16 cache fails on this device, or empty. */
    private static Optional<String> attention(CudaContext context, int ordinal, Arena arena) {
        int heads = 2, size = 32, rows = 4;
        KvRows keys = CacheType.F16.rows(size, size, arena.allocate(rows * CacheType.F16.rowBytes(size), 8));
        KvRows values = CacheType.F16.rows(size, size, arena.allocate(rows * CacheType.F16.rowBytes(size), 8));
        float[] row = new float[size];
        for (int p = 0; p < rows; p++) {
            keys.write(p, row, 0);
            for (int i = 0; i < size; i++) row[i] = (p * 5 + i) % 7 - 3;
            values.write(p, row, 0);
        }
        KvCache.Layer kv = new KvCache.Layer(keys, values, Device.cuda(ordinal));
        int[] positions = {1, 3};
        float[] out = new float[positions.length * heads * size];
        try (GpuAttention attention = new GpuAttention(context)) {
            attention.store(kv, rows, new int[] {0, 1, 2, 3});
            attention.attend(new float[positions.length * heads * size], positions.length, positions, kv,
                    new AttentionShape(heads, 1, size, size, 0.125f), out);
        }
        for (int t = 0; t < positions.length; t++) {
            for (int i = 0; i < size; i++) {
                float sum = 0;
                for (int p = 0; p <= positions[t]; p++) sum += (p * 5 + i) % 7 - 3;
                float want = sum / (positions[t] + 1);
                for (int h = 0; h < heads; h++) {
                    float got = out[(t * heads + h) * size + i];
                    if (got != want) {
                        return Optional.of("self-check failed on CUDA" + ordinal + ": attention of position " + positions[t]
                                + ", head " + h + ", element " + i + " is " + got + ", want " + want);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static int weight(int row, int col) {
        return (row * 7 + col) % 11 - 5;
    }

    /** Why device {@code ordinal} cannot run the backend's kernels, or empty when it can. */
    public static Optional<String> run(int ordinal) {
        try (CudaContext context = CudaContext.open(ordinal);
             GpuMatmul matmul = new GpuMatmul(context);
             Arena arena = Arena.ofConfined()) {
            int blocks = COLS / 32;
            MemorySegment w = arena.allocate((long) ROWS * blocks * 34, 64);
            for (int r = 0; r < ROWS; r++) {
                for (int b = 0; b < blocks; b++) {
                    long block = (long) (r * blocks + b) * 34;
                    w.set(ValueLayout.JAVA_SHORT_UNALIGNED, block, F16_ONE);
                    for (int j = 0; j < 32; j++) w.set(ValueLayout.JAVA_BYTE, block + 2 + j, (byte) weight(r, 32 * b + j));
                }
            }
            for (int tokens : TOKEN_COUNTS) {
                float[] x = new float[tokens * COLS];
                for (int i = 0; i < x.length; i++) x[i] = i % 3 - 1;
                float[] out = new float[tokens * ROWS];
                try (DeviceMemory dw = context.allocate(w.byteSize())) {
                    dw.upload(w, 0);
                    matmul.multiply(dw.address(), GgmlType.Q8_0, COLS, ROWS, x, tokens, out);
                }
                for (int t = 0; t < tokens; t++) {
                    for (int r = 0; r < ROWS; r++) {
                        long want = 0;
                        for (int k = 0; k < COLS; k++) want += (long) weight(r, k) * (long) x[t * COLS + k];
                        if (out[t * ROWS + r] != want) {
                            return Optional.of("self-check failed on CUDA" + ordinal + ": product [" + t + "][" + r + "] of "
                                    + tokens + " tokens is " + out[t * ROWS + r] + ", want " + want);
                        }
                    }
                }
            }
            Optional<String> decode = dequantization(context, ordinal, arena);
            if (decode.isPresent()) return decode;
            Optional<String> products = decodeProducts(context, matmul, ordinal, arena);
            if (products.isPresent()) return products;
            return attention(context, ordinal, arena);
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("self-check failed on CUDA" + ordinal + ": " + e.getMessage());
        }
    }
}
