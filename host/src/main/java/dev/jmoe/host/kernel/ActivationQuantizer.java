package dev.jmoe.host.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.stream.IntStream;

/**
 * Prepares activation rows the way the reference (ik_llama.cpp, x86 AVX2) does before its quantized dot
 * products, so that the int8 quants, and with them the logits, come out as its do.
 *
 * <p>Q8_2 (per 32, the reference's q8_2): the scale max|x|/127 is rounded to bf16 (to nearest, ties to
 * even) first, and the quants are x times the float reciprocal of that rounded scale; so where bf16 rounds
 * the scale down, the largest magnitude maps to 127 only after rounding (127.2 → 127). Q8_K (per 256, the
 * reference's own AVX2 form, not ggml's scalar one): scale max|x|/127 as a float, quants x·(127/max|x|).
 * Quants round to nearest with ties to even and saturate to int8 as the reference's pack instructions do;
 * the sums are of the unsaturated integers, as the reference takes them (they never differ: a quant is at
 * most 127.25 before rounding).
 */
public final class ActivationQuantizer {
    private ActivationQuantizer() {}

    /** Quantizes {@code x[offset .. offset + a.length())} into {@code a} (in place, no allocation). */
    public static void quantize(float[] x, int offset, Activation a) {
        switch (a.format) {
            case F32 -> System.arraycopy(x, offset, a.values, 0, a.n);
            case Q8_2 -> { for (int b = 0; b < a.n / 32; b++) q8_2Block(x, offset, a, b); }
            case Q8_K -> { for (int b = 0; b < a.n / 256; b++) q8_kBlock(x, offset, a, b); }
        }
    }

    /** A new activation of {@code format} holding {@code x}. */
    public static Activation quantize(float[] x, ActivationFormat format) {
        Activation a = new Activation(format, x.length);
        quantize(x, 0, a);
        return a;
    }

    private static final VectorSpecies<Float> F = VectorDot.LF;
    private static final int FL = F.length();
    /** The int8 quants of FL lanes: the narrowest byte vector has 8 lanes, so on 4-lane machines a mask keeps the first 4. */
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
    private static final VectorMask<Byte> FIRST_FL = B.indexInRange(0, FL);
    /** Added and taken away again, it rounds a float below 2^22 in magnitude to an integer, ties to even (as Math.rint). */
    private static final float ROUNDER = 0x1.8p23f;
    /** The slots of one int lane's four bytes in {@link Activation#lanes}: element 4i + k goes to slot 8k + i. */
    private static final int[] STRIDE_FOUR = IntStream.range(0, FL).map(i -> 4 * i).toArray();

    private static void q8_2Block(float[] x, int offset, Activation a, int b) {
        int from = b * 32;
        float amax = maxMagnitude(x, offset + from, 32);
        float d = bf16(amax / 127f);
        float inverse = d > 0 ? 1 / d : 0;
        a.scales[b] = d;
        float firstHalf = 0, secondHalf = 0;
        for (int i = 0; i < 32; i += FL) {
            float sum = quantizeVector(x, offset + from + i, inverse, a, from + i).reduceLanes(VectorOperators.ADD);
            if (i < 16) firstHalf += sum;
            else secondHalf += sum;
        }
        a.sums[b] = firstHalf + secondHalf;
        laneCopy(a, from);
        a.scaledSums16[2 * b] = d * firstHalf;
        a.scaledSums16[2 * b + 1] = d * secondHalf;
    }

    /** The factor of byte k's slot in {@link Activation#lanes}: 2^(−8k), undoing the in-place byte k of an int. */
    private static final float[] LANE_WEIGHT = {1f, 0x1p-8f, 0x1p-16f, 0x1p-24f};
    private static final float[] UNDO_LANE_WEIGHT = {1f, 0x1p8f, 0x1p16f, 0x1p24f};

    private static void q8_kBlock(float[] x, int offset, Activation a, int b) {
        int from = b * 256;
        float amax = maxMagnitude(x, offset + from, 256);
        a.scales[b] = amax / 127f;
        float inverse = amax != 0 ? 127f / amax : 0;
        for (int g = 0; g < 16; g++) {
            float sum = 0;
            for (int i = 16 * g; i < 16 * g + 16; i += FL) {
                sum += quantizeVector(x, offset + from + i, inverse, a, from + i).reduceLanes(VectorOperators.ADD);
            }
            a.sums[b * 16 + g] = sum;
        }
        for (int i = from; i < from + 256; i += 32) laneCopy(a, i);
    }

    /** The 32 values from {@code from} into {@link Activation#lanes}: element 4i + k to slot 8k + i, times 2^(−8k). */
    private static void laneCopy(Activation a, int from) {
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < 8; i += FL) {
                FloatVector.fromArray(F, a.values, from + 4 * i + k, STRIDE_FOUR, 0).mul(LANE_WEIGHT[k]).intoArray(a.lanes, from + 8 * k + i);
            }
        }
    }

    private static float maxMagnitude(float[] x, int from, int count) {
        FloatVector m = FloatVector.zero(F);
        for (int i = 0; i < count; i += FL) m = m.max(FloatVector.fromArray(F, x, from + i).abs());
        return m.reduceLanes(VectorOperators.MAX);
    }

    /**
     * Quantizes FL values from x[from] with {@code inverse} into {@code a} at {@code to}, as floats and as
     * int8, and returns them. Every step is exact or one IEEE operation, so the quants are the scalar
     * rint-and-clamp's to the bit (the clamp never bites, see the class comment, so their sums are the
     * unsaturated ones the reference takes; the sums of at most 256 quants are exact in float).
     */
    private static FloatVector quantizeVector(float[] x, int from, float inverse, Activation a, int to) {
        FloatVector q = FloatVector.fromArray(F, x, from).mul(inverse).add(ROUNDER).sub(ROUNDER).max(-128f).min(127f);
        q.intoArray(a.values, to);
        ByteVector quants = (ByteVector) q.convert(VectorOperators.F2I, 0).convertShape(VectorOperators.I2B, B, 0);
        if (FL == B.length()) quants.intoArray(a.quants, to);
        else quants.intoArray(a.quants, to, FIRST_FL);
        return q;
    }

    /**
     * Fills {@code a.dense} with the values the kernels see (quant × scale), in element order or, with
     * {@code laneOrder}, in {@link Activation#lanes} order.
     */
    static void densify(Activation a, boolean laneOrder) {
        if (a.dense == null) a.dense = new float[a.n];
        float[] out = a.dense;
        switch (a.format) {
            case F32 -> System.arraycopy(a.values, 0, out, 0, a.n);
            case Q8_2 -> {
                for (int from = 0; from < a.n; from += 32) {
                    float d = a.scales[from / 32];
                    for (int i = 0; i < 32; i += FL) {
                        // In lane order from the lanes copy: slot 8k + j times 2^(8k) is the quant again, exactly.
                        FloatVector q = laneOrder ? FloatVector.fromArray(F, a.lanes, from + i).mul(UNDO_LANE_WEIGHT[i / 8])
                                : FloatVector.fromArray(F, a.values, from + i);
                        q.mul(d).intoArray(out, from + i);
                    }
                }
            }
            case Q8_K -> {
                for (int from = 0; from < a.n; from += 256) {
                    FloatVector d = FloatVector.broadcast(F, a.scales[from / 256]);
                    for (int i = 0; i < 256; i += FL) FloatVector.fromArray(F, a.values, from + i).mul(d).intoArray(out, from + i);
                }
            }
        }
    }

    /** {@code v} rounded to bf16 (the top 16 bits of a float), to nearest with ties to even. */
    static float bf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        int rounded = (bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF0000;
        return Float.intBitsToFloat(rounded);
    }
}
