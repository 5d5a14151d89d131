package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The integer form of the reference dot product equals the dequantized weights times the activations
 * the quantizer reconstructs (scale × quant), up to float rounding of the dequantized weights; this ties
 * the integer bookkeeping (group sums, min terms, activation scales) to the layouts the dequantizer decodes.
 */
class ScalarDotTest {

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1",
            "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void integerFormEqualsDequantizedTimesReconstructedActivations(GgmlType type) {
        int n = 1024;
        Random r = new Random(type.ordinal());
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        Activation a = ActivationQuantizer.quantize(x, ActivationFormat.forWeight(type));
        float[] seen = new float[n];
        for (int i = 0; i < n; i++) seen[i] = a.value(i);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = arena.allocate(type.bytesFor(n));
            RandomWeights.fill(type, w, 42);
            double want = ScalarDot.dequantized(type, w, 0, seen);
            double got = ScalarDot.integer(type, w, 0, a);
            double magnitude = 0;
            float[] wf = ScalarDequant.row(type, w, 0, n);
            for (int i = 0; i < n; i++) magnitude += Math.abs(wf[i] * seen[i]);
            // Each dequantized weight is a float rounding of d·sc·q − dmin·m (a few ulps), the rest is exact.
            assertEquals(want, got, 4 * Math.ulp(1f) * magnitude + 1e-30, type.toString());
        }
    }
}
