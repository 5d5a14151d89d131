package dev.jmoe.host.kernel;

/**
 * Prepares activation rows the way the reference does before its quantized dot products.
 *
 * <p>Q8_0 (per 32): d = max|x|/127, stored (as the reference stores it) rounded to f16; q = x·127/max|x|
 * rounded to nearest, so the largest magnitude maps to ±127. Q8_K (per 256): the element of largest
 * magnitude, with its sign, maps to −127 (scale = −max/127, kept as a float); the others round to nearest
 * and clamp at 127. Rounding is to nearest, ties to even, as the reference's float-to-int trick does.
 */
public final class ActivationQuantizer {
    private ActivationQuantizer() {}

    /** Quantizes {@code x[offset .. offset + a.length())} into {@code a} (in place, no allocation). */
    public static void quantize(float[] x, int offset, Activation a) {
        switch (a.format) {
            case F32 -> System.arraycopy(x, offset, a.values, 0, a.n);
            case Q8_0 -> { for (int b = 0; b < a.n / 32; b++) q8_0Block(x, offset, a, b); }
            case Q8_K -> { for (int b = 0; b < a.n / 256; b++) q8_kBlock(x, offset, a, b); }
        }
    }

    /** A new activation of {@code format} holding {@code x}. */
    public static Activation quantize(float[] x, ActivationFormat format) {
        Activation a = new Activation(format, x.length);
        quantize(x, 0, a);
        return a;
    }

    private static void q8_0Block(float[] x, int offset, Activation a, int b) {
        int from = b * 32;
        float amax = 0;
        for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(x[offset + from + i]));
        float inverse = amax == 0 ? 0 : 127f / amax;
        a.scales[b] = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
        int sum = 0;
        for (int i = 0; i < 32; i++) {
            int q = (int) Math.rint(x[offset + from + i] * inverse);
            store(a, from + i, q);
            sum += q;
        }
        a.sums[b] = sum;
    }

    private static void q8_kBlock(float[] x, int offset, Activation a, int b) {
        int from = b * 256;
        float amax = 0, max = 0;
        for (int i = 0; i < 256; i++) {
            float v = x[offset + from + i];
            if (Math.abs(v) > amax) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float inverse = amax == 0 ? 0 : -127f / max;
        a.scales[b] = amax == 0 ? 0 : 1 / inverse;
        for (int g = 0; g < 16; g++) {
            int sum = 0;
            for (int i = 0; i < 16; i++) {
                int q = Math.min(127, (int) Math.rint(inverse * x[offset + from + 16 * g + i]));
                store(a, from + 16 * g + i, q);
                sum += q;
            }
            a.sums[b * 16 + g] = sum;
        }
        for (int g = 0; g < 8; g++) a.sums32[b * 8 + g] = (a.sums[b * 16 + 2 * g] + a.sums[b * 16 + 2 * g + 1]);
    }

    private static void store(Activation a, int i, int q) {
        a.quants[i] = (byte) q;
        a.values[i] = q;
    }
}
