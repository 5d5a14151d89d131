package dev.jmoe.host.kernel;

import jdk.incubator.vector.FloatVector;
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

    /** Quantizes {@code x[offset .. offset + a.length())} into {@code a} for the dots (in place, no allocation). */
    public static void quantize(float[] x, int offset, Activation a) {
        prepare(x, offset, a, true, false);
    }

    /** A new activation of {@code format} holding {@code x}. */
    public static Activation quantize(float[] x, ActivationFormat format) {
        Activation a = new Activation(format, x.length);
        quantize(x, 0, a);
        return a;
    }

    /**
     * Quantizes {@code x[offset ..]} into {@code a}: with {@code dots} everything the dots read (values,
     * scales, sums, lanes), with {@code tiles} the scales and {@link Activation#dense} (quant × scale in
     * element order, what the prompt tiles read). A row only the tiles read skips the dots' fields, which
     * keep whatever they held: the permuted lane copy alone cost as much as the rest of the work. With neither,
     * nothing is written.
     */
    static void prepare(float[] x, int offset, Activation a, boolean dots, boolean tiles) {
        if (tiles && a.dense == null) a.dense = new float[a.n];
        switch (a.format) {
            case F32 -> {
                if (dots) System.arraycopy(x, offset, a.values, 0, a.n);
                if (tiles) System.arraycopy(x, offset, a.dense, 0, a.n);
            }
            case Q8_2 -> {
                if (dots) for (int b = 0; b < a.n / 32; b++) q8_2Block(x, offset, a, b, tiles);
                else if (tiles) denseOnly(x, offset, a, 32);
            }
            case Q8_K -> {
                if (dots) for (int b = 0; b < a.n / 256; b++) q8_kBlock(x, offset, a, b, tiles);
                else if (tiles) denseOnly(x, offset, a, 256);
            }
        }
    }

    /** Widest vectors (16 lanes on AVX-512): the tiles-only rows have no 8-lane layout to follow. */
    private static final VectorSpecies<Float> W = VectorDot.F;

    /**
     * The scales and {@link Activation#dense} of a row only the tiles read, blocks of {@code block}, at the widest
     * vectors: the same elementwise steps as the blocks' own loops, so the same bits (a lane maximum does not
     * depend on the lanes' grouping).
     */
    private static void denseOnly(float[] x, int offset, Activation a, int block) {
        for (int b = 0, from = 0; from < a.n; b++, from += block) {
            FloatVector m = FloatVector.zero(W);
            for (int i = 0; i < block; i += W.length()) m = m.max(FloatVector.fromArray(W, x, offset + from + i).abs());
            float amax = m.reduceLanes(VectorOperators.MAX);
            float d = block == 32 ? q8_2Scale(amax) : q8_kScale(amax);
            float inverse = block == 32 ? q8_2Inverse(d) : q8_kInverse(amax);
            a.scales[b] = d;
            for (int i = 0; i < block; i += W.length()) {
                FloatVector.fromArray(W, x, offset + from + i).mul(inverse).add(ROUNDER).sub(ROUNDER).max(-128f).min(127f)
                        .mul(d).intoArray(a.dense, from + i);
            }
        }
    }

    private static float q8_2Scale(float amax) {
        return bf16(amax / 127f);
    }

    private static float q8_2Inverse(float d) {
        return d > 0 ? 1 / d : 0;
    }

    private static float q8_kScale(float amax) {
        return amax / 127f;
    }

    private static float q8_kInverse(float amax) {
        return amax != 0 ? 127f / amax : 0;
    }

    private static final VectorSpecies<Float> F = VectorDot.LF;
    private static final int FL = F.length();
    /** Added and taken away again, it rounds a float below 2^22 in magnitude to an integer, ties to even (as Math.rint). */
    private static final float ROUNDER = 0x1.8p23f;
    /** The slots of one int lane's four bytes in {@link Activation#lanes}: element 4i + k goes to slot 8k + i. */
    private static final int[] STRIDE_FOUR = IntStream.range(0, FL).map(i -> 4 * i).toArray();

    /** One block of 32 for the dots (and the tiles' dense values with {@code tiles}). */
    private static void q8_2Block(float[] x, int offset, Activation a, int b, boolean tiles) {
        int from = b * 32;
        float amax = maxMagnitude(x, offset + from, 32);
        float d = q8_2Scale(amax);
        float inverse = q8_2Inverse(d);
        a.scales[b] = d;
        FloatVector firstHalf = FloatVector.zero(F), secondHalf = FloatVector.zero(F);
        for (int i = 0; i < 32; i += FL) {
            FloatVector q = quantizeVector(x, offset + from + i, inverse);
            if (tiles) q.mul(d).intoArray(a.dense, from + i);
            q.intoArray(a.values, from + i);
            if (i < 16) firstHalf = firstHalf.add(q);
            else secondHalf = secondHalf.add(q);
        }
        // sums of at most 32 quants: exact in float in any order
        float first = firstHalf.reduceLanes(VectorOperators.ADD), second = secondHalf.reduceLanes(VectorOperators.ADD);
        a.sums[b] = first + second;
        laneCopy(a, from);
        a.scaledSums16[2 * b] = d * first;
        a.scaledSums16[2 * b + 1] = d * second;
    }

    /** The factor of byte k's slot in {@link Activation#lanes}: 2^(−8k), undoing the in-place byte k of an int. */
    private static final float[] LANE_WEIGHT = {1f, 0x1p-8f, 0x1p-16f, 0x1p-24f};

    /** One block of 256 for the dots (and the tiles' dense values with {@code tiles}). */
    private static void q8_kBlock(float[] x, int offset, Activation a, int b, boolean tiles) {
        int from = b * 256;
        float amax = maxMagnitude(x, offset + from, 256);
        float d = q8_kScale(amax);
        a.scales[b] = d;
        float inverse = q8_kInverse(amax);
        for (int g = 0; g < 16; g++) {
            FloatVector sum = FloatVector.zero(F);
            for (int i = 16 * g; i < 16 * g + 16; i += FL) {
                FloatVector q = quantizeVector(x, offset + from + i, inverse);
                if (tiles) q.mul(d).intoArray(a.dense, from + i);
                q.intoArray(a.values, from + i);
                sum = sum.add(q);
            }
            a.sums[b * 16 + g] = sum.reduceLanes(VectorOperators.ADD);
        }
        for (int i = from; i < from + 256; i += 32) laneCopy(a, i);
    }

    /**
     * The 32 values from {@code from} into {@link Activation#lanes}: element 4i + k to slot 8k + i, times
     * 2^(−8k); and the same vectors into their {@link Activation#lanes16} slots where the row holds this
     * block's whole 64-element group.
     */
    private static void laneCopy(Activation a, int from) {
        int group = from & ~63, at16 = group + 8 * ((from >>> 5) & 1);
        boolean whole = group + 64 <= a.n;
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < 8; i += FL) {
                FloatVector v = FloatVector.fromArray(F, a.values, from + 4 * i + k, STRIDE_FOUR, 0).mul(LANE_WEIGHT[k]);
                v.intoArray(a.lanes, from + 8 * k + i);
                if (whole) v.intoArray(a.lanes16, at16 + 16 * k + i);
            }
        }
    }

    private static float maxMagnitude(float[] x, int from, int count) {
        FloatVector m = FloatVector.zero(F);
        for (int i = 0; i < count; i += FL) m = m.max(FloatVector.fromArray(F, x, from + i).abs());
        return m.reduceLanes(VectorOperators.MAX);
    }

    /**
     * FL values from x[from] times {@code inverse}, rounded and clamped to int8. Every step is exact or one
     * IEEE operation, so the quants are the scalar rint-and-clamp's to the bit (the clamp never bites, see
     * the class comment, so their sums are the unsaturated ones the reference takes; the sums of at most 256
     * quants are exact in float).
     */
    private static FloatVector quantizeVector(float[] x, int from, float inverse) {
        return FloatVector.fromArray(F, x, from).mul(inverse).add(ROUNDER).sub(ROUNDER).max(-128f).min(127f);
    }

    /** {@code v} rounded to bf16 (the top 16 bits of a float), to nearest with ties to even. */
    static float bf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        int rounded = (bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF0000;
        return Float.intBitsToFloat(rounded);
    }
}
