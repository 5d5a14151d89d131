package dev.jmoe.host.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationQuantizerTest {

    @Test
    void q8_0_largestMagnitudeIs127AndTiesRoundToEven() {
        float[] x = new float[32];
        x[0] = -127f;
        x[1] = 0.5f;
        x[2] = 1.5f;
        x[3] = 2.5f;
        x[4] = 100.4f;
        Activation a = ActivationQuantizer.quantize(x, ActivationFormat.Q8_0);
        assertEquals(1f, a.scales[0]);
        assertEquals(-127, a.quants[0]);
        assertEquals(0, a.quants[1]);
        assertEquals(2, a.quants[2]);
        assertEquals(2, a.quants[3]);
        assertEquals(100, a.quants[4]);
        assertEquals(-127 + 0 + 2 + 2 + 100, a.sums[0]);
        assertEquals(100f, a.values[4]);
    }

    @Test
    void q8_0_scaleIsRoundedToF16() {
        float[] x = new float[32];
        x[7] = 1f;                                    // d = 1/127, not an f16 value
        Activation a = ActivationQuantizer.quantize(x, ActivationFormat.Q8_0);
        assertEquals(Float.float16ToFloat(Float.floatToFloat16(1f / 127)), a.scales[0]);
        assertEquals(127, a.quants[7]);
    }

    @Test
    void q8_k_signedMaximumMapsToMinus127AndPer16SumsAreKept() {
        float[] x = new float[256];
        x[3] = 2.54f;                                 // the largest magnitude, positive: scale −0.02
        x[20] = -2.54f;                               // opposite extreme: +127
        x[40] = 0.05f;                                // 0.05 / −0.02 = −2.5 → −2 (ties to even)
        Activation a = ActivationQuantizer.quantize(x, ActivationFormat.Q8_K);
        assertEquals(-0.02f, a.scales[0], 1e-7f);
        assertEquals(-127, a.quants[3]);
        assertEquals(127, a.quants[20]);
        assertEquals(-2, a.quants[40]);
        assertEquals(-127, a.sums[0]);
        assertEquals(127, a.sums[1]);
        assertEquals(-2, a.sums[2]);
    }

    @Test
    void zeroBlocksQuantizeToZero() {
        Activation a = ActivationQuantizer.quantize(new float[256], ActivationFormat.Q8_K);
        assertEquals(0f, a.scales[0]);
        Activation b = ActivationQuantizer.quantize(new float[32], ActivationFormat.Q8_0);
        assertEquals(0f, b.scales[0]);
        assertEquals(0, b.quants[31]);
    }

    @Test
    void reconstructionIsWithinHalfAStep() {
        Random r = new Random(7);
        float[] x = new float[1024];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * Math.exp(r.nextGaussian()));
        for (ActivationFormat f : new ActivationFormat[] {ActivationFormat.Q8_0, ActivationFormat.Q8_K}) {
            Activation a = ActivationQuantizer.quantize(x, f);
            for (int i = 0; i < x.length; i++) {
                float d = Math.abs(a.scales[i / f.blockSize]);
                // Q8_0's scale is an f16: up to 127·2^-11 of a step more.
                double bound = d * (0.5 + 127 / 2048.0) + 1e-6;
                assertTrue(Math.abs(a.value(i) - x[i]) <= bound, f + " element " + i + ": " + a.value(i) + " vs " + x[i]);
            }
        }
    }
}
