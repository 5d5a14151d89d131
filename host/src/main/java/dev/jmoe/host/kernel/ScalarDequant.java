package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Reference dequantization: a row of a GGML tensor to floats, one plain loop per block layout.
 *
 * <p>Deliberately naive (one element at a time, fields read through {@link Bytes}): it is the reference
 * the vector kernels are tested against, so it follows the block layouts as literally as possible.
 */
public final class ScalarDequant {
    private ScalarDequant() {}

    /** The types this class (and the dot kernels) handle. */
    public static boolean supports(GgmlType type) {
        return switch (type) {
            case F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K -> true;
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
        int blocks = n / type.blockSize;
        for (int i = 0; i < blocks; i++) {
            long b = offset + (long) i * type.bytesPerBlock;
            int y = o + i * type.blockSize;
            switch (type) {
                case F32 -> out[y] = Bytes.f32(s, b);
                case F16 -> out[y] = Bytes.f16(s, b);
                case BF16 -> out[y] = Bytes.bf16(s, b);
                case Q8_0 -> q8_0(s, b, out, y);
                case Q4_0 -> q4_0(s, b, out, y);
                case Q4_1 -> q4_1(s, b, out, y);
                case Q5_0 -> q5_0(s, b, out, y);
                case Q5_1 -> q5_1(s, b, out, y);
                case Q2_K -> q2_k(s, b, out, y);
                case Q3_K -> q3_k(s, b, out, y);
                case Q4_K -> q4_k(s, b, out, y);
                case Q5_K -> q5_k(s, b, out, y);
                case Q6_K -> q6_k(s, b, out, y);
                default -> throw new IllegalArgumentException("no kernel for tensor type " + type);
            }
        }
    }

    /** Q8_0: f16 d, 32 × int8 q; x = d·q. */
    private static void q8_0(MemorySegment s, long b, float[] out, int y) {
        float d = Bytes.f16(s, b);
        for (int j = 0; j < 32; j++) out[y + j] = d * Bytes.i8(s, b + 2 + j);
    }

    /** Q4_0: f16 d, 16 bytes of nibbles; element j is the low nibble of byte j, element j+16 the high; x = d·(q−8). */
    private static void q4_0(MemorySegment s, long b, float[] out, int y) {
        float d = Bytes.f16(s, b);
        for (int j = 0; j < 16; j++) {
            int q = Bytes.u8(s, b + 2 + j);
            out[y + j] = d * ((q & 0xF) - 8);
            out[y + j + 16] = d * ((q >>> 4) - 8);
        }
    }

    /** Q4_1: f16 d, f16 m, nibbles as Q4_0; x = d·q + m. */
    private static void q4_1(MemorySegment s, long b, float[] out, int y) {
        float d = Bytes.f16(s, b);
        float m = Bytes.f16(s, b + 2);
        for (int j = 0; j < 16; j++) {
            int q = Bytes.u8(s, b + 4 + j);
            out[y + j] = d * (q & 0xF) + m;
            out[y + j + 16] = d * (q >>> 4) + m;
        }
    }

    /** Q5_0: f16 d, u32 of fifth bits (bit j for element j), nibbles as Q4_0; x = d·(q−16). */
    private static void q5_0(MemorySegment s, long b, float[] out, int y) {
        float d = Bytes.f16(s, b);
        int high = Bytes.u32(s, b + 2);
        for (int j = 0; j < 16; j++) {
            int q = Bytes.u8(s, b + 6 + j);
            out[y + j] = d * (((q & 0xF) | (((high >>> j) & 1) << 4)) - 16);
            out[y + j + 16] = d * (((q >>> 4) | (((high >>> (j + 16)) & 1) << 4)) - 16);
        }
    }

    /** Q5_1: f16 d, f16 m, fifth bits and nibbles as Q5_0; x = d·q + m. */
    private static void q5_1(MemorySegment s, long b, float[] out, int y) {
        float d = Bytes.f16(s, b);
        float m = Bytes.f16(s, b + 2);
        int high = Bytes.u32(s, b + 4);
        for (int j = 0; j < 16; j++) {
            int q = Bytes.u8(s, b + 8 + j);
            out[y + j] = d * ((q & 0xF) | (((high >>> j) & 1) << 4)) + m;
            out[y + j + 16] = d * ((q >>> 4) | (((high >>> (j + 16)) & 1) << 4)) + m;
        }
    }

    /**
     * Q2_K: 16 scale bytes (low nibble scale, high nibble min, one per 16 elements), 64 bytes of 2-bit
     * quants, f16 d, f16 dmin. Each half of 128 elements uses 32 quant bytes: element 32·k + l of the half
     * is bits 2k..2k+1 of byte l. x = d·sc·q − dmin·m.
     */
    private static void q2_k(MemorySegment s, long b, float[] out, int y) {
        float d = Bytes.f16(s, b + 80);
        float dmin = Bytes.f16(s, b + 82);
        for (int e = 0; e < 256; e++) {
            int half = e >>> 7, k = (e >>> 5) & 3, l = e & 31;
            int sm = Bytes.u8(s, b + e / 16);
            int q = (Bytes.u8(s, b + 16 + 32 * half + l) >>> (2 * k)) & 3;
            out[y + e] = d * (sm & 0xF) * q - dmin * (sm >>> 4);
        }
    }

    /**
     * Q3_K: 32 bytes of high bits, 64 bytes of 2-bit low parts (arranged as Q2_K), 12 bytes of 6-bit
     * scales (one per 16 elements), f16 d. The high bit of element 32·k + l of half h is bit 4h + k of
     * byte l; the quant is low − 4 where that bit is clear, so −4..3. x = d·scale·q.
     */
    private static void q3_k(MemorySegment s, long b, float[] out, int y) {
        float d = Bytes.f16(s, b + 108);
        for (int e = 0; e < 256; e++) {
            int half = e >>> 7, k = (e >>> 5) & 3, l = e & 31;
            int low = (Bytes.u8(s, b + 32 + 32 * half + l) >>> (2 * k)) & 3;
            boolean hi = ((Bytes.u8(s, b + l) >>> (4 * half + k)) & 1) != 0;
            int q = low - (hi ? 0 : 4);
            out[y + e] = d * KScales.q3Scale(s, b + 96, e / 16) * q;
        }
    }

    /**
     * Q4_K: f16 d, f16 dmin, 12 bytes of packed 6-bit (scale, min) pairs, 128 bytes of nibbles. Each 64
     * elements use 32 bytes: the first 32 elements are their low nibbles (pair 2i), the next 32 the high
     * nibbles (pair 2i+1). x = d·sc·q − dmin·m.
     */
    private static void q4_k(MemorySegment s, long b, float[] out, int y) {
        float d = Bytes.f16(s, b);
        float dmin = Bytes.f16(s, b + 2);
        for (int e = 0; e < 256; e++) {
            int sub = e >>> 5, l = e & 31;
            int byt = Bytes.u8(s, b + 16 + 32 * (sub >>> 1) + l);
            int q = (sub & 1) == 0 ? byt & 0xF : byt >>> 4;
            out[y + e] = d * KScales.scale(s, b + 4, sub) * q - dmin * KScales.min(s, b + 4, sub);
        }
    }

    /** Q5_K: as Q4_K plus 32 bytes of fifth bits after the scales: bit {@code sub} of byte l for element 32·sub + l. */
    private static void q5_k(MemorySegment s, long b, float[] out, int y) {
        float d = Bytes.f16(s, b);
        float dmin = Bytes.f16(s, b + 2);
        for (int e = 0; e < 256; e++) {
            int sub = e >>> 5, l = e & 31;
            int byt = Bytes.u8(s, b + 48 + 32 * (sub >>> 1) + l);
            int q = ((sub & 1) == 0 ? byt & 0xF : byt >>> 4) | (((Bytes.u8(s, b + 16 + l) >>> sub) & 1) << 4);
            out[y + e] = d * KScales.scale(s, b + 4, sub) * q - dmin * KScales.min(s, b + 4, sub);
        }
    }

    /**
     * Q6_K: 128 bytes of low nibbles, 64 bytes of high 2-bit pairs, 16 int8 scales (one per 16 elements),
     * f16 d. In half h, element 32·k + l takes the low nibble (k even) or high nibble (k odd) of low byte
     * 64h + l + 32·(k&1), and bits 2k..2k+1 of high byte 32h + l; q = that 6-bit value − 32. x = d·sc·q.
     */
    private static void q6_k(MemorySegment s, long b, float[] out, int y) {
        float d = Bytes.f16(s, b + 208);
        for (int e = 0; e < 256; e++) {
            int half = e >>> 7, k = (e >>> 5) & 3, l = e & 31;
            int lowByte = Bytes.u8(s, b + 64 * half + l + 32 * (k & 1));
            int low = k < 2 ? lowByte & 0xF : lowByte >>> 4;
            int high = (Bytes.u8(s, b + 128 + 32 * half + l) >>> (2 * k)) & 3;
            int q = (low | (high << 4)) - 32;
            out[y + e] = d * Bytes.i8(s, b + 192 + e / 16) * q;
        }
    }
}
