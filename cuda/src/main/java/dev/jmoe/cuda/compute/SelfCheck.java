package dev.jmoe.cuda.compute;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;

/**
 * A product of a few known numbers on the device, run once before the backend is offered: a driver that
 * lists a device but cannot JIT our PTX, or a kernel that computes nonsense there, then makes the engine run
 * CPU-only with the reason instead of producing wrong text. The numbers are small integers, so the exact
 * answer is known here and the device must give it bit for bit. The weights are Q8_0 blocks with scale 1,
 * so the check also runs the dequantization of a quantized type.
 */
public final class SelfCheck {
    private static final int COLS = 96;   // three Q8_0 blocks; six k-tiles of the GEMM
    private static final int ROWS = 3;
    /** Two tokens take the matvec kernel, nine the dequantize-and-GEMM path: both are checked. */
    private static final int[] TOKEN_COUNTS = {2, 9};

    /** 1.0 as an IEEE half. */
    private static final short F16_ONE = 0x3C00;

    private SelfCheck() {}

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
            return Optional.empty();
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("self-check failed on CUDA" + ordinal + ": " + e.getMessage());
        }
    }
}
