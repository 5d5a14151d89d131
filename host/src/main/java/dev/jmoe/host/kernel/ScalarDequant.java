package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Reference dequantization: a row of a GGML tensor to floats, block by block through {@link BlockDecoder}.
 * Deliberately naive: it is the reference the vector kernels are tested against.
 */
public final class ScalarDequant {
    private ScalarDequant() {}

    /** The types this class (and the dot kernels) handle. */
    public static boolean supports(GgmlType type) {
        return switch (type) {
            case F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_NL, IQ4_XS -> true;
            default -> false;
        };
    }

    /** Dequantizes {@code n} elements starting at byte {@code offset} of {@code s} into a new array. */
    public static float[] row(GgmlType type, MemorySegment s, long offset, int n) {
        float[] out = new float[n];
        row(type, s, offset, n, out, 0);
        return out;
    }

    /** Dequantizes {@code n} elements starting at byte {@code offset} of {@code s} into {@code out[o..]}. */
    public static void row(GgmlType type, MemorySegment s, long offset, int n, float[] out, int o) {
        RowCheck.check(type, s, offset, n);
        switch (type) {
            case F32 -> { for (int i = 0; i < n; i++) out[o + i] = Bytes.f32(s, offset + 4L * i); }
            case F16 -> { for (int i = 0; i < n; i++) out[o + i] = Bytes.f16(s, offset + 2L * i); }
            case BF16 -> { for (int i = 0; i < n; i++) out[o + i] = Bytes.bf16(s, offset + 2L * i); }
            default -> blocks(type, s, offset, n, out, o);
        }
    }

    private static void blocks(GgmlType type, MemorySegment s, long offset, int n, float[] out, int o) {
        BlockCodes c = new BlockCodes();
        for (int blk = 0; blk < n / type.blockSize; blk++) {
            BlockDecoder.decode(type, s, offset + (long) blk * type.bytesPerBlock, c);
            int y = o + blk * type.blockSize;
            for (int i = 0; i < c.elements; i++) out[y + i] = c.value(i);
        }
    }
}
