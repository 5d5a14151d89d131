package dev.jmoe.host.kernel;

/**
 * The activation quantizer written one element at a time, as the reference's scalar code reads: the
 * oracle that {@link ActivationQuantizer}'s vector form must match bit for bit.
 */
final class ScalarActivationQuantizer {
    private ScalarActivationQuantizer() {}

    static Activation quantize(float[] x, ActivationFormat format) {
        Activation a = new Activation(format, x.length);
        switch (format) {
            case F32 -> System.arraycopy(x, 0, a.values, 0, a.n);
            case Q8_2 -> { for (int b = 0; b < a.n / 32; b++) q8_2Block(x, 0, a, b); }
            case Q8_K -> { for (int b = 0; b < a.n / 256; b++) q8_kBlock(x, 0, a, b); }
        }
        return a;
    }

    static void q8_2Block(float[] x, int offset, Activation a, int b) {
        int from = b * 32;
        float amax = maxMagnitude(x, offset + from, 32);
        float d = ActivationQuantizer.bf16(amax / 127f);
        float inverse = d > 0 ? 1 / d : 0;
        a.scales[b] = d;
        a.sums[b] = quantizeRun(x, offset + from, inverse, a, from, 32);
        int firstHalf = 0, secondHalf = 0;
        for (int e = 0; e < 32; e++) {
            a.lanes[from + 8 * (e & 3) + (e >>> 2)] = a.values[from + e] * LANE_WEIGHT[e & 3];
            // the 16-lane order exists for whole 64-element groups: slot 16k + 8h + i of element 32h + 4i + k
            if (from / 64 * 64 + 64 <= a.n) {
                a.lanes16[from / 64 * 64 + 16 * (e & 3) + 8 * (b & 1) + (e >>> 2)] = a.values[from + e] * LANE_WEIGHT[e & 3];
            }
            if (e < 16) firstHalf += a.quant(from + e);
            else secondHalf += a.quant(from + e);
        }
        a.scaledSums16[2 * b] = d * firstHalf;
        a.scaledSums16[2 * b + 1] = d * secondHalf;
    }

    /** The factor of byte k's slot in {@link Activation#lanes}: 2^(−8k), undoing the in-place byte k of an int. */
    private static final float[] LANE_WEIGHT = {1f, 0x1p-8f, 0x1p-16f, 0x1p-24f};

    static void q8_kBlock(float[] x, int offset, Activation a, int b) {
        int from = b * 256;
        float amax = maxMagnitude(x, offset + from, 256);
        a.scales[b] = amax / 127f;
        float inverse = amax != 0 ? 127f / amax : 0;
        for (int g = 0; g < 16; g++) {
            a.sums[b * 16 + g] = quantizeRun(x, offset + from + 16 * g, inverse, a, from + 16 * g, 16);
        }
        for (int e = 0; e < 256; e++) a.lanes[from + 32 * (e / 32) + 8 * (e & 3) + ((e & 31) >>> 2)] = a.values[from + e] * LANE_WEIGHT[e & 3];
        for (int e = 0; e < 256; e++) {
            a.lanes16[from + 64 * (e / 64) + 16 * (e & 3) + 8 * ((e / 32) & 1) + ((e & 31) >>> 2)] = a.values[from + e] * LANE_WEIGHT[e & 3];
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
            a.values[to + i] = Math.max(-128, Math.min(127, q));
        }
        return sum;
    }

    /** The dense values of a quantized row: quant × scale in element order. */
    static void densify(Activation a) {
        if (a.dense == null) a.dense = new float[a.n];
        float[] out = a.dense;
        switch (a.format) {
            case F32 -> System.arraycopy(a.values, 0, out, 0, a.n);
            case Q8_2 -> {
                for (int from = 0; from < a.n; from += 32) {
                    float d = a.scales[from / 32];
                    for (int e = 0; e < 32; e++) out[from + e] = a.values[from + e] * d;
                }
            }
            case Q8_K -> { for (int i = 0; i < a.n; i++) out[i] = a.values[i] * a.scales[i / 256]; }
        }
    }

}
