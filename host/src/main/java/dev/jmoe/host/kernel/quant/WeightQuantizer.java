package dev.jmoe.host.kernel.quant;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Float weights to GGML blocks, round-to-nearest per block (no importance matrix): for synthetic models
 * and tests, where the values only need a realistic layout and scale. F32 is stored as is.
 */
public final class WeightQuantizer {
    private WeightQuantizer() {}

    public static boolean supports(GgmlType type) {
        return type == GgmlType.F32 || quantizer(type) != null;
    }

    /** Encodes {@code x[from .. from + n)} ({@code n} a whole number of blocks) at {@code out[at]}; returns the bytes written. */
    public static long quantize(GgmlType type, float[] x, int from, int n, MemorySegment out, long at) {
        long bytes = type.bytesFor(n);
        if (type == GgmlType.F32) {
            MemorySegment.copy(x, from, out, Le.FLOAT, at, n);
            return bytes;
        }
        BlockQuantizer q = quantizer(type);
        if (q == null) throw new IllegalArgumentException("no quantizer for " + type + " (supported: F32, Q8_0, Q4_0, Q5_0, Q4_K, Q6_K, IQ4_NL, IQ4_XS)");
        for (int b = 0; b < n / q.blockSize(); b++) q.block(x, from + b * q.blockSize(), out, at + (long) b * type.bytesPerBlock);
        return bytes;
    }

    private static BlockQuantizer quantizer(GgmlType type) {
        return switch (type) {
            case Q8_0 -> new Q8_0Quantizer();
            case Q4_0 -> new Q4_0Quantizer();
            case Q5_0 -> new Q5_0Quantizer();
            case Q4_K -> new Q4_KQuantizer();
            case Q6_K -> new Q6_KQuantizer();
            case IQ4_NL -> new IQ4_NLQuantizer();
            case IQ4_XS -> new IQ4_XSQuantizer();
            default -> null;
        };
    }
}
