package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-built blocks whose values follow from the block layouts by hand. */
class ScalarDequantTest {

    @Test
    void q4_0_lowNibblesFirstThenHigh_offsetEight() {
        Blocks b = new Blocks(18).f16(0.5f);
        for (int j = 0; j < 16; j++) b.u8(j | ((15 - j) << 4));
        float[] x = ScalarDequant.row(GgmlType.Q4_0, b.segment(), 0, 32);
        for (int j = 0; j < 16; j++) {
            assertEquals((j - 8) * 0.5f, x[j]);
            assertEquals((7 - j) * 0.5f, x[16 + j]);
        }
    }

    /** GGML's non-linear 4-bit grid, written out here as the layout gives it (not read from the code under test). */
    private static final int[] IQ4_GRID = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    @Test
    void iq4_nl_codesIndexTheGridLowNibblesFirst() {
        Blocks b = new Blocks(18).f16(0.5f);
        for (int j = 0; j < 16; j++) b.u8(j | ((15 - j) << 4));
        float[] x = ScalarDequant.row(GgmlType.IQ4_NL, b.segment(), 0, 32);
        for (int j = 0; j < 16; j++) {
            assertEquals(0.5f * IQ4_GRID[j], x[j], "element " + j);
            assertEquals(0.5f * IQ4_GRID[15 - j], x[16 + j], "element " + (16 + j));
        }
    }

    @Test
    void iq4_xs_sixBitScalesFromLowNibblesAndHighPairs_offsetThirtyTwo() {
        // Scales chosen to use both nibbles of every low byte and every two-bit pair of the high u16.
        int[] scale = {0, 63, 32, 33, 17, 48, 1, 40};
        int high = 0;
        for (int g = 0; g < 8; g++) high |= (scale[g] >>> 4) << (2 * g);
        Blocks b = new Blocks(136).f16(0.25f).u8(high & 0xFF, high >>> 8);
        for (int k = 0; k < 4; k++) b.u8((scale[2 * k] & 0xF) | ((scale[2 * k + 1] & 0xF) << 4));
        for (int g = 0; g < 8; g++) for (int j = 0; j < 16; j++) b.u8(((j + g) & 15) | ((15 - j) << 4));
        float[] x = ScalarDequant.row(GgmlType.IQ4_XS, b.segment(), 0, 256);
        for (int g = 0; g < 8; g++) {
            float dl = 0.25f * (scale[g] - 32);
            for (int j = 0; j < 16; j++) {
                assertEquals(dl * IQ4_GRID[(j + g) & 15], x[32 * g + j], "element " + (32 * g + j));
                assertEquals(dl * IQ4_GRID[15 - j], x[32 * g + 16 + j], "element " + (32 * g + 16 + j));
            }
        }
    }

    @Test
    void q4_1_scaleAndMin() {
        Blocks b = new Blocks(20).f16(0.25f).f16(-1f);
        for (int j = 0; j < 16; j++) b.u8(j | ((15 - j) << 4));
        float[] x = ScalarDequant.row(GgmlType.Q4_1, b.segment(), 0, 32);
        for (int j = 0; j < 16; j++) {
            assertEquals(0.25f * j - 1f, x[j]);
            assertEquals(0.25f * (15 - j) - 1f, x[16 + j]);
        }
    }

    @Test
    void q5_0_fifthBitFromTheU32() {
        Blocks b = new Blocks(22).f16(1f).u32(0xFFFF0000);
        for (int j = 0; j < 16; j++) b.u8(j | (j << 4));
        float[] x = ScalarDequant.row(GgmlType.Q5_0, b.segment(), 0, 32);
        for (int j = 0; j < 16; j++) {
            assertEquals(j - 16f, x[j], "element " + j);
            assertEquals((float) j, x[16 + j], "element " + (16 + j));
        }
    }

    @Test
    void q5_1_fifthBitScaleAndMin() {
        Blocks b = new Blocks(24).f16(2f).f16(0.5f).u32(0x0000FFFF);
        for (int j = 0; j < 16; j++) b.u8(j | (j << 4));
        float[] x = ScalarDequant.row(GgmlType.Q5_1, b.segment(), 0, 32);
        for (int j = 0; j < 16; j++) {
            assertEquals(2f * (j | 16) + 0.5f, x[j]);
            assertEquals(2f * j + 0.5f, x[16 + j]);
        }
    }

    @Test
    void q8_0_signedBytes() {
        Blocks b = new Blocks(34 * 2);
        b.f16(0.125f);
        for (int j = 0; j < 32; j++) b.u8(j - 16);
        b.f16(-2f);
        for (int j = 0; j < 32; j++) b.u8(j == 0 ? -128 : 127);
        float[] x = ScalarDequant.row(GgmlType.Q8_0, b.segment(), 0, 64);
        for (int j = 0; j < 32; j++) assertEquals((j - 16) * 0.125f, x[j]);
        assertEquals(256f, x[32]);
        assertEquals(-254f, x[63]);
    }

    /** Scale bytes giving (scale, min) pairs (1,2) (3,4) (5,6) (7,8) (17,50) (35,5) (0,0) (1,15). */
    private static final int[] K4_SCALES = {0x41, 0x83, 0x05, 0x07, 0xC2, 0x04, 0x06, 0x08, 0x21, 0x53, 0x00, 0xF1};
    private static final int[] K4_SC = {1, 3, 5, 7, 17, 35, 0, 1};
    private static final int[] K4_MIN = {2, 4, 6, 8, 50, 5, 0, 15};

    @Test
    void kScalesUnpackSixBitPairs() {
        MemorySegment s = new Blocks(12).u8(K4_SCALES).segment();
        for (int j = 0; j < 8; j++) {
            assertEquals(K4_SC[j], KScales.scale(s, 0, j), "scale " + j);
            assertEquals(K4_MIN[j], KScales.min(s, 0, j), "min " + j);
        }
    }

    @Test
    void kScalesUnpackFourAtATimeAsOneAtATime() {
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < 1000; i++) {
            byte[] b = new byte[12];
            r.nextBytes(b);
            MemorySegment s = MemorySegment.ofArray(b);
            long packed = s.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0);
            int high = s.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 8);
            int[] sc = {KScales.scales0to3(packed), KScales.scales4to7(packed, high)};
            long mins = KScales.mins(packed, high);
            for (int i16 = 0; i16 < 16; i16++) assertEquals(KScales.q3Scale(s, 0, i16), KScales.q3Scale(packed, high, i16), "q3 scale " + i16);
            for (int j = 0; j < 8; j++) {
                assertEquals(KScales.scale(s, 0, j), (sc[j / 4] >>> (8 * (j % 4))) & 0xFF, "scale " + j);
                assertEquals(KScales.min(s, 0, j), (int) (mins >>> (8 * j)) & 0xFF, "min " + j);
            }
        }
    }

    @Test
    void q4_k_subBlocksAlternateLowAndHighNibbles() {
        Blocks b = new Blocks(144).f16(1f).f16(0.5f).u8(K4_SCALES);
        // 128 quant bytes 0x5A (low 10, high 5), except byte 32 + 3 = 0xF0 (low 0, high 15).
        for (int i = 0; i < 128; i++) b.u8(i == 35 ? 0xF0 : 0x5A);
        float[] x = ScalarDequant.row(GgmlType.Q4_K, b.segment(), 0, 256);
        for (int e = 0; e < 256; e++) {
            int sub = e / 32;
            int q = sub % 2 == 0 ? 10 : 5;
            if (e == 64 + 3) q = 0;
            if (e == 96 + 3) q = 15;
            assertEquals(K4_SC[sub] * q - 0.5f * K4_MIN[sub], x[e], "element " + e);
        }
    }

    @Test
    void q5_k_fifthBitIsBitSubOfByteL() {
        Blocks b = new Blocks(176).f16(1f).f16(0.5f).u8(K4_SCALES);
        b.u8(0xFF).fill(31, 0);           // qh: only position l = 0 has its fifth bit, in every sub-block
        b.fill(128, 0x5A);
        float[] x = ScalarDequant.row(GgmlType.Q5_K, b.segment(), 0, 256);
        for (int e = 0; e < 256; e++) {
            int sub = e / 32;
            int q = (sub % 2 == 0 ? 10 : 5) + (e % 32 == 0 ? 16 : 0);
            assertEquals(K4_SC[sub] * q - 0.5f * K4_MIN[sub], x[e], "element " + e);
        }
    }

    @Test
    void q6_k_lowNibblesHighPairsAndSignedScales() {
        Blocks b = new Blocks(210);
        // ql: 0x21 everywhere (low nibble 1, high nibble 2) except half 1, l = 5, second 32 bytes: 0x00.
        for (int i = 0; i < 128; i++) b.u8(i == 64 + 32 + 5 ? 0x00 : 0x21);
        b.fill(64, 0xE4);                  // qh: bit pairs 0,1,2,3 for k = 0..3
        for (int i = 0; i < 16; i++) b.u8(i - 8);
        b.f16(0.5f);
        float[] x = ScalarDequant.row(GgmlType.Q6_K, b.segment(), 0, 256);
        int[] qByK = {1 - 32, 1 + 16 - 32, 2 + 32 - 32, 2 + 48 - 32};
        for (int e = 0; e < 256; e++) {
            int k = (e % 128) / 32;
            int q = qByK[k];
            if (e == 128 + 32 + 5) q = 16 - 32;  // k = 1: low nibble of the zeroed byte
            if (e == 128 + 96 + 5) q = 48 - 32;  // k = 3: high nibble of the zeroed byte
            assertEquals(0.5f * (e / 16 - 8) * q, x[e], "element " + e);
        }
    }

    @Test
    void q2_k_twoBitQuantsWithNibbleScaleAndMin() {
        Blocks b = new Blocks(84);
        for (int i = 0; i < 16; i++) b.u8(i | ((15 - i) << 4));
        b.fill(64, 0xE4);                  // 2-bit fields 0,1,2,3 for k = 0..3
        b.f16(1f).f16(0.25f);
        float[] x = ScalarDequant.row(GgmlType.Q2_K, b.segment(), 0, 256);
        for (int e = 0; e < 256; e++) {
            int sb = e / 16, q = (e % 128) / 32;
            assertEquals(sb * q - 0.25f * (15 - sb), x[e], "element " + e);
        }
    }

    @Test
    void q3_k_highBitClearMeansMinusFour() {
        Blocks b = new Blocks(110);
        b.fill(32, 0x0F);                  // hmask bits 0..3 set: half 0 has its high bits, half 1 not
        b.fill(64, 0xE4);                  // low 2 bits = k
        b.fill(8, 0x21);                   // scale low nibbles: 1 for scales 0..7, 2 for 8..15
        b.u8(0x00, 0x55, 0xAA, 0xFF);      // top bits: i % 4 for scale i
        b.f16(0.5f);
        float[] x = ScalarDequant.row(GgmlType.Q3_K, b.segment(), 0, 256);
        for (int e = 0; e < 256; e++) {
            int i = e / 16;
            int scale = (i < 8 ? 1 : 2) + 16 * (i % 4) - 32;
            int k = (e % 128) / 32;
            int q = e < 128 ? k : k - 4;
            assertEquals(0.5f * scale * q, x[e], "element " + e);
        }
    }

    @Test
    void plainFloatTypes() {
        MemorySegment f16 = new Blocks(6).f16(1.5f).f16(-0.25f).f16(65504f).segment();
        assertArrayEquals(new float[] {1.5f, -0.25f, 65504f}, ScalarDequant.row(GgmlType.F16, f16, 0, 3));
        Blocks bf = new Blocks(4).u8(0xC0, 0x3F).u8(0x80, 0xBE); // 0x3FC0 = 1.5, 0xBE80 = -0.25
        assertArrayEquals(new float[] {1.5f, -0.25f}, ScalarDequant.row(GgmlType.BF16, bf.segment(), 0, 2));
        MemorySegment f32 = MemorySegment.ofArray(new float[] {3f, -7f, 0.5f});
        assertArrayEquals(new float[] {-7f, 0.5f}, ScalarDequant.row(GgmlType.F32, f32, 4, 2));
    }

    @Test
    void rowPastTheEndOrPartialBlockIsRejectedWithAMessage() {
        MemorySegment s = MemorySegment.ofArray(new byte[18 * 2]);
        var e = assertThrows(IndexOutOfBoundsException.class, () -> ScalarDequant.row(GgmlType.Q4_0, s, 18, 64));
        assertTrue(e.getMessage().contains("offset 18"), e.getMessage());
        var p = assertThrows(IllegalArgumentException.class, () -> ScalarDequant.row(GgmlType.Q4_0, s, 0, 40));
        assertTrue(p.getMessage().contains("Q4_0"), p.getMessage());
    }
}
