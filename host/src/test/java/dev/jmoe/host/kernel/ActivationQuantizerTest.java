package dev.jmoe.host.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quantizers against hand-worked blocks that follow from the reference's rounding rules. */
class ActivationQuantizerTest {

    @Test
    void q8_2_largestMagnitudeIs127AndTiesRoundToEven() {
        float[] x = new float[32];
        x[0] = -127f;                                 // d = 1, exact in bf16
        x[1] = 0.5f;
        x[2] = 1.5f;
        x[3] = 2.5f;
        x[4] = 100.4f;
        Activation a = ActivationQuantizer.quantize(x, ActivationFormat.Q8_2);
        assertEquals(1f, a.scales[0]);
        assertEquals(-127, a.quant(0));
        assertEquals(0, a.quant(1));
        assertEquals(2, a.quant(2));
        assertEquals(2, a.quant(3));
        assertEquals(100, a.quant(4));
        assertEquals(-127 + 0 + 2 + 2 + 100, a.sums[0]);
        assertEquals(100f, a.values[4]);
    }

    @Test
    void q8_2_scaleIsRoundedToBf16AndQuantsUseTheRoundedScale() {
        // max 1.3: 1.3/127 = 0x3C27B5D2 as a float; bf16 rounds it up to 0x3C28 = 0.01025390625.
        float[] x = new float[32];
        x[7] = 1.3f;                                  // 1.3 / 0.01025390625 = 126.78 → 127
        x[8] = -0.64f;                                // / bf16 scale = -62.415 → -62 (·127/max would give -62.52 → -63)
        Activation a = ActivationQuantizer.quantize(x, ActivationFormat.Q8_2);
        assertEquals(0.01025390625f, a.scales[0]);
        assertEquals(127, a.quant(7));
        assertEquals(-62, a.quant(8));
        assertEquals(127 - 62, a.sums[0]);
        // max 1.0: 1/127 = 0x3C010204; bf16 rounds it down to 0x3C01 = 0.00787353515625.
        float[] y = new float[32];
        y[0] = 1f;                                    // 127.008 → 127
        y[1] = 0.7913f;                               // / bf16 scale = 100.501 → 101 (·127 would give 100.495 → 100)
        Activation b = ActivationQuantizer.quantize(y, ActivationFormat.Q8_2);
        assertEquals(0.00787353515625f, b.scales[0]);
        assertEquals(127, b.quant(0));
        assertEquals(101, b.quant(1));
    }

    @Test
    void bf16RoundsToNearestWithTiesToEven() {
        assertEquals(Float.intBitsToFloat(0x3F800000), ActivationQuantizer.bf16(Float.intBitsToFloat(0x3F808000))); // tie, even stays
        assertEquals(Float.intBitsToFloat(0x3F820000), ActivationQuantizer.bf16(Float.intBitsToFloat(0x3F818000))); // tie, odd rounds up
        assertEquals(Float.intBitsToFloat(0x3F810000), ActivationQuantizer.bf16(Float.intBitsToFloat(0x3F808001)));
        assertEquals(Float.intBitsToFloat(0x3F800000), ActivationQuantizer.bf16(Float.intBitsToFloat(0x3F807FFF)));
    }

    @Test
    void q8_k_scaleIsMaxOver127AndPer16SumsAreKept() {
        float[] x = new float[256];
        x[3] = 2.54f;                                 // the largest magnitude: scale 0.02, quant 127
        x[20] = -2.54f;                               // -127
        x[40] = 0.05f;                                // 0.05 · 127/2.54 = 2.5 → 2 (ties to even)
        Activation a = ActivationQuantizer.quantize(x, ActivationFormat.Q8_K);
        assertEquals(2.54f / 127f, a.scales[0]);
        assertEquals(127, a.quant(3));
        assertEquals(-127, a.quant(20));
        assertEquals(2, a.quant(40));
        assertEquals(127, a.sums[0]);
        assertEquals(-127, a.sums[1]);
        assertEquals(2, a.sums[2]);
    }

    @Test
    void zeroBlocksQuantizeToZero() {
        Activation a = ActivationQuantizer.quantize(new float[256], ActivationFormat.Q8_K);
        assertEquals(0f, a.scales[0]);
        Activation b = ActivationQuantizer.quantize(new float[32], ActivationFormat.Q8_2);
        assertEquals(0f, b.scales[0]);
        assertEquals(0, b.quant(31));
    }

    @Test
    void reconstructionIsWithinHalfAStep() {
        Random r = new Random(7);
        float[] x = new float[1024];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * Math.exp(r.nextGaussian()));
        for (ActivationFormat f : new ActivationFormat[] {ActivationFormat.Q8_2, ActivationFormat.Q8_K}) {
            Activation a = ActivationQuantizer.quantize(x, f);
            for (int i = 0; i < x.length; i++) {
                float d = Math.abs(a.scales[i / f.blockSize]);
                // The quants come from x / d itself (d the stored scale): half a step, plus float rounding.
                double bound = d * 0.5 * (1 + 1e-5) + 1e-6;
                assertTrue(Math.abs(a.value(i) - x[i]) <= bound, f + " element " + i + ": " + a.value(i) + " vs " + x[i]);
                assertTrue(Math.abs(a.quant(i)) <= 127, f + " element " + i);
            }
        }
    }

    @Test
    void aRowOfOddBlocksHasLanes16OnlyForItsWholeGroups() {
        float[] x = new float[96];
        Random random = new Random(5);
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        Activation vector = ActivationQuantizer.quantize(x, ActivationFormat.Q8_2), scalar = ScalarActivationQuantizer.quantize(x, ActivationFormat.Q8_2);
        assertArrayEquals(scalar.lanes16, vector.lanes16);
        for (int i = 64; i < 96; i++) assertEquals(0f, vector.lanes16[i], "slot " + i + " of the unfinished group");
    }

    @Test
    void vectorQuantizerMatchesTheScalarOneBitForBit() {
        Random random = new Random(42);
        for (int trial = 0; trial < 50; trial++) {
            float[] x = new float[512];
            float scale = (float) Math.pow(10, random.nextInt(9) - 4);
            for (int i = 0; i < x.length; i++) {
                // Gaussian values, some exact halves on the quant grid (ties), some zero blocks.
                x[i] = trial % 7 == 0 && i < 64 ? 0 : (float) random.nextGaussian() * scale;
                if (i % 13 == 0) x[i] = Math.round(x[i] / scale * 4) / 4f * scale;
            }
            for (ActivationFormat format : ActivationFormat.values()) {
                Activation vector = ActivationQuantizer.quantize(x, format), scalar = ScalarActivationQuantizer.quantize(x, format);
                String what = format + " trial " + trial;
                assertArrayEquals(scalar.values, vector.values, what + " values");
                assertArrayEquals(scalar.scales, vector.scales, what + " scales");
                assertArrayEquals(scalar.sums, vector.sums, what + " sums");
                assertArrayEquals(scalar.lanes, vector.lanes, what + " lanes");
                assertArrayEquals(scalar.lanes16, vector.lanes16, what + " lanes16");
                assertArrayEquals(scalar.scaledSums16, vector.scaledSums16, what + " scaledSums16");
                ScalarActivationQuantizer.densify(scalar);
                Activation both = new Activation(format, x.length), tilesOnly = new Activation(format, x.length);
                ActivationQuantizer.prepare(x, 0, both, true, true);
                ActivationQuantizer.prepare(x, 0, tilesOnly, false, true);
                assertArrayEquals(scalar.dense, both.dense, what + " dense");
                assertArrayEquals(scalar.dense, tilesOnly.dense, what + " dense alone");
                assertArrayEquals(scalar.scales, tilesOnly.scales, what + " scales beside dense alone");
                assertArrayEquals(scalar.lanes, both.lanes, what + " lanes beside dense");
                assertArrayEquals(scalar.sums, both.sums, what + " sums beside dense");
            }
        }
    }
}
