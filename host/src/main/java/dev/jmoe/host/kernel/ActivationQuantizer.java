package dev.jmoe.host.kernel;

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

    private static void q8_2Block(float[] x, int offset, Activation a, int b) {
        int from = b * 32;
        float amax = maxMagnitude(x, offset + from, 32);
        float d = bf16(amax / 127f);
        float inverse = d > 0 ? 1 / d : 0;
        a.scales[b] = d;
        a.sums[b] = quantizeRun(x, offset + from, inverse, a, from, 32);
        int firstHalf = 0, secondHalf = 0;
        for (int e = 0; e < 32; e++) {
            a.lanes[from + 8 * (e & 3) + (e >>> 2)] = a.values[from + e] * LANE_WEIGHT[e & 3];
            if (e < 16) firstHalf += a.quants[from + e];
            else secondHalf += a.quants[from + e];
        }
        a.scaledSums16[2 * b] = d * firstHalf;
        a.scaledSums16[2 * b + 1] = d * secondHalf;
    }

    /** The factor of byte k's slot in {@link Activation#lanes}: 2^(−8k), undoing the in-place byte k of an int. */
    private static final float[] LANE_WEIGHT = {1f, 0x1p-8f, 0x1p-16f, 0x1p-24f};

    private static void q8_kBlock(float[] x, int offset, Activation a, int b) {
        int from = b * 256;
        float amax = maxMagnitude(x, offset + from, 256);
        a.scales[b] = amax / 127f;
        float inverse = amax != 0 ? 127f / amax : 0;
        for (int g = 0; g < 16; g++) {
            a.sums[b * 16 + g] = quantizeRun(x, offset + from + 16 * g, inverse, a, from + 16 * g, 16);
        }
    }

    private static float maxMagnitude(float[] x, int from, int count) {
        float amax = 0;
        for (int i = 0; i < count; i++) amax = Math.max(amax, Math.abs(x[from + i]));
        return amax;
    }

    /** Quantizes {@code count} values with {@code inverse} into {@code a} at {@code to}; returns their sum. */
    private static int quantizeRun(float[] x, int from, float inverse, Activation a, int to, int count) {
        int sum = 0;
        for (int i = 0; i < count; i++) {
            int q = (int) Math.rint(x[from + i] * inverse);
            sum += q;
            q = Math.max(-128, Math.min(127, q));
            a.quants[to + i] = (byte) q;
            a.values[to + i] = q;
        }
        return sum;
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
                    for (int e = 0; e < 32; e++) out[from + (laneOrder ? 8 * (e & 3) + (e >>> 2) : e)] = a.values[from + e] * d;
                }
            }
            case Q8_K -> { for (int i = 0; i < a.n; i++) out[i] = a.values[i] * a.scales[i / 256]; }
        }
    }

    /** {@code v} rounded to bf16 (the top 16 bits of a float), to nearest with ties to even. */
    static float bf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        int rounded = (bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF0000;
        return Float.intBitsToFloat(rounded);
    }
}
