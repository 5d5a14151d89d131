package dev.jmoe.host.kernel.quant;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.kernel.ScalarDequant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Quantize, then dequantize with the scalar reader: every value comes back within its block's step. */
class WeightQuantizerTest {
    private static final int N = 4 * 256;

    @ParameterizedTest
    @EnumSource(names = {"Q8_0", "Q4_0", "Q5_0", "Q4_K", "Q6_K", "IQ4_NL", "IQ4_XS", "F32"})
    void dequantizedValuesAreWithinTheBlocksStep(GgmlType type) {
        for (float[] x : inputs()) {
            float[] back = roundTrip(type, x);
            for (int i = 0; i < N; i++) {
                double tolerance = tolerance(type, x, i);
                assertTrue(Math.abs(back[i] - x[i]) <= tolerance,
                        type + " element " + i + ": " + x[i] + " came back as " + back[i] + ", step " + tolerance);
            }
        }
    }

    @Test
    void allZeroBlocksComeBackAsZero() {
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.IQ4_NL, GgmlType.IQ4_XS}) {
            float[] back = roundTrip(type, new float[N]);
            for (float v : back) assertEquals(0.0, v, 0.0, type.toString());
        }
    }

    /**
     * The IQ4 grids on Gaussian weights: relative RMS error at most 9% (ik_llama.cpp's llama-quantize, with its
     * scale search, left 7.6–7.8% on the Gaussian weights of the qwen3moe-a test model), and below Q4_0's on the same
     * weights, which is what the non-linear grid is for.
     */
    @ParameterizedTest
    @EnumSource(names = {"IQ4_NL", "IQ4_XS"})
    void theNonLinearGridsKeepGaussianWeightsCloserThanQ4_0(GgmlType type) {
        float[] gaussian = inputs()[0];
        double error = relativeRms(gaussian, roundTrip(type, gaussian)), q4_0 = relativeRms(gaussian, roundTrip(GgmlType.Q4_0, gaussian));
        assertTrue(error <= 0.09, type + ": relative RMS error " + error);
        assertTrue(error < q4_0, type + ": " + error + " against Q4_0's " + q4_0);
    }

    private static double relativeRms(float[] x, float[] back) {
        double err = 0, ref = 0;
        for (int i = 0; i < x.length; i++) {
            err += (back[i] - x[i]) * (back[i] - x[i]);
            ref += x[i] * x[i];
        }
        return Math.sqrt(err / ref);
    }

    @Test
    void theLargestMagnitudeIsExactUpToF16ScaleRounding() {
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) x[i] = (i - 10) * 0.01f;
        x[5] = -0.8f;
        float[] back = roundTrip32(GgmlType.Q4_0, x);
        assertEquals(-0.8f, back[5], 0.8f / 1024);
    }

    private static float[] roundTrip32(GgmlType type, float[] x) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(type.bytesFor(x.length));
            WeightQuantizer.quantize(type, x, 0, x.length, s, 0);
            return ScalarDequant.row(type, s, 0, x.length);
        }
    }

    private static float[] roundTrip(GgmlType type, float[] x) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(type.bytesFor(N) + 7).asSlice(7); // unaligned on purpose
            long written = WeightQuantizer.quantize(type, x, 0, N, s, 0);
            assertEquals(type.bytesFor(N), written);
            return ScalarDequant.row(type, s, 0, N);
        }
    }

    /** Gaussian weights, all-positive ones (Q4_K's min at 0), and one with an outlier per block. */
    private static float[][] inputs() {
        SplittableRandom r = new SplittableRandom(42);
        float[] gaussian = new float[N], positive = new float[N], outliers = new float[N];
        for (int i = 0; i < N; i++) {
            gaussian[i] = (float) (r.nextGaussian() * 0.05);
            positive[i] = (float) (r.nextDouble() * 3 + 1);
            outliers[i] = (float) (r.nextGaussian() * 0.01) + (i % 256 == 17 ? -4f : 0f);
        }
        return new float[][] {gaussian, positive, outliers};
    }

    /**
     * One quantization step of the block holding element i, from the format's definition: Q8_0, Q4_0 and Q5_0
     * span ±max|x| in 255, 15 resp. 31 steps; Q4_K a sub-block of 32 in 15 steps of a 6-bit scale and a
     * 6-bit min (each a 63rd of the super-block's largest); Q6_K a sub-block of 16 in 63 steps of an
     * 8-bit scale. IQ4_NL maps the block's largest magnitude to the grid's end −127·d, so a value is at most
     * 14·d from a level (the grid's other end is 113, its widest gap 24); IQ4_XS adds its sub-block scale's
     * rounding to a multiple of d_sb (a 32nd of the super-block's largest sub-block scale), which can move a
     * value at the grid's end by up to 127 of those. Plus f16 rounding of the block scales.
     */
    private static double tolerance(GgmlType type, float[] x, int i) {
        return switch (type) {
            case F32 -> 0;
            case Q8_0 -> amax(x, i / 32 * 32, 32) / 127 * 1.01;
            case Q4_0 -> amax(x, i / 32 * 32, 32) / 8 * 1.01;
            case Q5_0 -> amax(x, i / 32 * 32, 32) / 16 * 1.01;
            case Q6_K -> (amax(x, i / 16 * 16, 16) / 31 + amax(x, i / 256 * 256, 256) / 31 / 127) * 1.01;
            case Q4_K -> {
                int sb = i / 256 * 256;
                double maxStep = 0, maxOffset = 0;
                for (int s = sb; s < sb + 256; s += 32) {
                    maxStep = Math.max(maxStep, range(x, s) / 15);
                    maxOffset = Math.max(maxOffset, -Math.min(0, min(x, s)));
                }
                yield (range(x, i / 32 * 32) / 15 + maxStep / 63 + maxOffset / 63) * 1.01;
            }
            case IQ4_NL -> amax(x, i / 32 * 32, 32) / 127 * 14 * 1.01;
            case IQ4_XS -> {
                double superStep = amax(x, i / 256 * 256, 256) / 127 / 32;
                yield (14 * (amax(x, i / 32 * 32, 32) / 127 + superStep) + 127 * superStep) * 1.01;
            }
            default -> throw new IllegalArgumentException(type.toString());
        };
    }

    private static double amax(float[] x, int from, int n) {
        double m = 0;
        for (int i = from; i < from + n; i++) m = Math.max(m, Math.abs(x[i]));
        return m;
    }

    private static double min(float[] x, int from) {
        double m = Double.MAX_VALUE;
        for (int i = from; i < from + 32; i++) m = Math.min(m, x[i]);
        return m;
    }

    private static double range(float[] x, int from) {
        double lo = Math.min(0, min(x, from)), hi = -Double.MAX_VALUE;
        for (int i = from; i < from + 32; i++) hi = Math.max(hi, x[i]);
        return hi - lo;
    }
}
