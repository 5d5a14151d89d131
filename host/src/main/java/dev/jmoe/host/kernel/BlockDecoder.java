package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Reference decoding of one GGML block into {@link BlockCodes}: one plain loop per block layout, written
 * to follow the layout literally; the vector kernels are tested against what this produces.
 */
final class BlockDecoder {
    private BlockDecoder() {}

    static void decode(GgmlType type, MemorySegment s, long b, BlockCodes c) {
        switch (type) {
            case Q8_0 -> q8_0(s, b, c);
            case Q4_0 -> q4_0(s, b, c);
            case Q4_1 -> q4_1(s, b, c);
            case Q5_0 -> q5_0(s, b, c);
            case Q5_1 -> q5_1(s, b, c);
            case Q2_K -> q2_k(s, b, c);
            case Q3_K -> q3_k(s, b, c);
            case Q4_K -> q4_k(s, b, c);
            case Q5_K -> q5_k(s, b, c);
            case Q6_K -> q6_k(s, b, c);
            case IQ4_NL -> iq4_nl(s, b, c);
            case IQ4_XS -> iq4_xs(s, b, c);
            default -> throw new IllegalArgumentException("not a block-quantized type with a kernel: " + type);
        }
    }

    /** One group of 32 with scale d, no min. */
    private static void plain32(BlockCodes c, float d) {
        c.shape(32, 32);
        c.d = d;
        c.dmin = 0;
        c.scale[0] = 1;
        c.min[0] = 0;
    }

    /** One group of 32 with x = d·q + m. */
    private static void withMin32(BlockCodes c, float d, float m) {
        plain32(c, d);
        c.dmin = -m;
        c.min[0] = 1;
    }

    /** Q8_0: f16 d, 32 × int8 q; x = d·q. */
    private static void q8_0(MemorySegment s, long b, BlockCodes c) {
        plain32(c, Bytes.f16(s, b));
        for (int j = 0; j < 32; j++) c.q[j] = Bytes.i8(s, b + 2 + j);
    }

    /** Q4_0: f16 d, 16 bytes of nibbles; element j is the low nibble of byte j, element j+16 the high; x = d·(q−8). */
    private static void q4_0(MemorySegment s, long b, BlockCodes c) {
        plain32(c, Bytes.f16(s, b));
        for (int j = 0; j < 16; j++) {
            int q = Bytes.u8(s, b + 2 + j);
            c.q[j] = (q & 0xF) - 8;
            c.q[j + 16] = (q >>> 4) - 8;
        }
    }

    /** Q4_1: f16 d, f16 m, nibbles as Q4_0; x = d·q + m. */
    private static void q4_1(MemorySegment s, long b, BlockCodes c) {
        withMin32(c, Bytes.f16(s, b), Bytes.f16(s, b + 2));
        for (int j = 0; j < 16; j++) {
            int q = Bytes.u8(s, b + 4 + j);
            c.q[j] = q & 0xF;
            c.q[j + 16] = q >>> 4;
        }
    }

    /** Q5_0: f16 d, u32 of fifth bits (bit j for element j), nibbles as Q4_0; x = d·(q−16). */
    private static void q5_0(MemorySegment s, long b, BlockCodes c) {
        plain32(c, Bytes.f16(s, b));
        int high = Bytes.u32(s, b + 2);
        for (int j = 0; j < 16; j++) {
            int q = Bytes.u8(s, b + 6 + j);
            c.q[j] = ((q & 0xF) | (((high >>> j) & 1) << 4)) - 16;
            c.q[j + 16] = ((q >>> 4) | (((high >>> (j + 16)) & 1) << 4)) - 16;
        }
    }

    /** Q5_1: f16 d, f16 m, fifth bits and nibbles as Q5_0; x = d·q + m. */
    private static void q5_1(MemorySegment s, long b, BlockCodes c) {
        withMin32(c, Bytes.f16(s, b), Bytes.f16(s, b + 2));
        int high = Bytes.u32(s, b + 4);
        for (int j = 0; j < 16; j++) {
            int q = Bytes.u8(s, b + 8 + j);
            c.q[j] = (q & 0xF) | (((high >>> j) & 1) << 4);
            c.q[j + 16] = (q >>> 4) | (((high >>> (j + 16)) & 1) << 4);
        }
    }

    /**
     * Q2_K: 16 scale bytes (low nibble scale, high nibble min, one per 16 elements), 64 bytes of 2-bit
     * quants, f16 d, f16 dmin. Each half of 128 elements uses 32 quant bytes: element 32·k + l of the half
     * is bits 2k..2k+1 of byte l. x = d·sc·q − dmin·m.
     */
    private static void q2_k(MemorySegment s, long b, BlockCodes c) {
        c.shape(256, 16);
        c.d = Bytes.f16(s, b + 80);
        c.dmin = Bytes.f16(s, b + 82);
        for (int g = 0; g < 16; g++) {
            int sm = Bytes.u8(s, b + g);
            c.scale[g] = sm & 0xF;
            c.min[g] = sm >>> 4;
        }
        for (int e = 0; e < 256; e++) {
            int half = e >>> 7, k = (e >>> 5) & 3, l = e & 31;
            c.q[e] = (Bytes.u8(s, b + 16 + 32 * half + l) >>> (2 * k)) & 3;
        }
    }

    /**
     * Q3_K: 32 bytes of high bits, 64 bytes of 2-bit low parts (arranged as Q2_K), 12 bytes of 6-bit
     * scales (one per 16 elements, see {@link KScales#q3Scale}), f16 d. The high bit of element 32·k + l of
     * half h is bit 4h + k of byte l; the quant is low − 4 where that bit is clear, so −4..3. x = d·sc·q.
     */
    private static void q3_k(MemorySegment s, long b, BlockCodes c) {
        c.shape(256, 16);
        c.d = Bytes.f16(s, b + 108);
        c.dmin = 0;
        Arrays.fill(c.min, 0);
        for (int g = 0; g < 16; g++) c.scale[g] = KScales.q3Scale(s, b + 96, g);
        for (int e = 0; e < 256; e++) {
            int half = e >>> 7, k = (e >>> 5) & 3, l = e & 31;
            int low = (Bytes.u8(s, b + 32 + 32 * half + l) >>> (2 * k)) & 3;
            boolean hi = ((Bytes.u8(s, b + l) >>> (4 * half + k)) & 1) != 0;
            c.q[e] = low - (hi ? 0 : 4);
        }
    }

    /** The Q4_K/Q5_K header: f16 d, f16 dmin, 12 bytes of packed (scale, min) pairs, one per 32 elements. */
    private static void k4Header(MemorySegment s, long b, BlockCodes c) {
        c.shape(256, 32);
        c.d = Bytes.f16(s, b);
        c.dmin = Bytes.f16(s, b + 2);
        for (int g = 0; g < 8; g++) {
            c.scale[g] = KScales.scale(s, b + 4, g);
            c.min[g] = KScales.min(s, b + 4, g);
        }
    }

    /**
     * Q4_K: header, then 128 bytes of nibbles. Each 64 elements use 32 bytes: the first 32 elements are
     * their low nibbles (group 2i), the next 32 the high nibbles (group 2i+1). x = d·sc·q − dmin·m.
     */
    private static void q4_k(MemorySegment s, long b, BlockCodes c) {
        k4Header(s, b, c);
        for (int e = 0; e < 256; e++) {
            int g = e >>> 5, l = e & 31;
            int byt = Bytes.u8(s, b + 16 + 32 * (g >>> 1) + l);
            c.q[e] = (g & 1) == 0 ? byt & 0xF : byt >>> 4;
        }
    }

    /** Q5_K: header, 32 bytes of fifth bits (bit g of byte l for element 32·g + l), then nibbles as Q4_K. */
    private static void q5_k(MemorySegment s, long b, BlockCodes c) {
        k4Header(s, b, c);
        for (int e = 0; e < 256; e++) {
            int g = e >>> 5, l = e & 31;
            int byt = Bytes.u8(s, b + 48 + 32 * (g >>> 1) + l);
            int low = (g & 1) == 0 ? byt & 0xF : byt >>> 4;
            c.q[e] = low | (((Bytes.u8(s, b + 16 + l) >>> g) & 1) << 4);
        }
    }

    /**
     * Q6_K: 128 bytes of low nibbles, 64 bytes of high 2-bit pairs, 16 int8 scales (one per 16 elements),
     * f16 d. In half h, element 32·k + l takes the low nibble (k &lt; 2) or high nibble (k ≥ 2) of low byte
     * 64h + l + 32·(k&1), and bits 2k..2k+1 of high byte 32h + l; q = that 6-bit value − 32. x = d·sc·q.
     */
    private static void q6_k(MemorySegment s, long b, BlockCodes c) {
        c.shape(256, 16);
        c.d = Bytes.f16(s, b + 208);
        c.dmin = 0;
        Arrays.fill(c.min, 0);
        for (int g = 0; g < 16; g++) c.scale[g] = Bytes.i8(s, b + 192 + g);
        for (int e = 0; e < 256; e++) {
            int half = e >>> 7, k = (e >>> 5) & 3, l = e & 31;
            int lowByte = Bytes.u8(s, b + 64 * half + l + 32 * (k & 1));
            int low = k < 2 ? lowByte & 0xF : lowByte >>> 4;
            int high = (Bytes.u8(s, b + 128 + 32 * half + l) >>> (2 * k)) & 3;
            c.q[e] = (low | (high << 4)) - 32;
        }
    }

    /** IQ4_NL: f16 d, 16 bytes of 4-bit codes placed as Q4_0's nibbles; x = d·level(code) ({@link Iq4Levels}). */
    private static void iq4_nl(MemorySegment s, long b, BlockCodes c) {
        plain32(c, Bytes.f16(s, b));
        for (int j = 0; j < 16; j++) {
            int q = Bytes.u8(s, b + 2 + j);
            c.q[j] = Iq4Levels.level(q & 0xF);
            c.q[j + 16] = Iq4Levels.level(q >>> 4);
        }
    }

    /**
     * IQ4_XS: f16 d, u16 of high scale bits, 4 bytes of low scale nibbles, 128 bytes of codes; eight sub-blocks
     * of 32. Sub-block g's 6-bit scale takes its low four bits from nibble g % 2 of low byte g / 2 and its top
     * two from bits 2g, 2g + 1 of the u16; its codes are bytes 16g.. placed as Q4_0's nibbles.
     * x = d·(scale − 32)·level(code).
     */
    private static void iq4_xs(MemorySegment s, long b, BlockCodes c) {
        c.shape(256, 32);
        c.d = Bytes.f16(s, b);
        c.dmin = 0;
        Arrays.fill(c.min, 0);
        int high = Bytes.u8(s, b + 2) | (Bytes.u8(s, b + 3) << 8);
        for (int g = 0; g < 8; g++) {
            int low = (Bytes.u8(s, b + 4 + g / 2) >>> (4 * (g % 2))) & 0xF;
            c.scale[g] = (low | (((high >>> (2 * g)) & 3) << 4)) - 32;
            for (int j = 0; j < 16; j++) {
                int q = Bytes.u8(s, b + 8 + 16 * g + j);
                c.q[32 * g + j] = Iq4Levels.level(q & 0xF);
                c.q[32 * g + 16 + j] = Iq4Levels.level(q >>> 4);
            }
        }
    }
}
