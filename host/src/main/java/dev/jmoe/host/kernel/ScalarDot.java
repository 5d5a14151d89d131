package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Reference dot products of a weight row with an activation row, in the two forms the tests compare with:
 * {@link #dequantized} (weights dequantized, times the float activations) and {@link #integer} (the form the
 * kernels compute: per block the exact integer sum of quant products, then the scales). Naive on purpose.
 */
public final class ScalarDot {
    private ScalarDot() {}

    /** Σ dequantized(w)·x over {@code x.length} elements, accumulated in double. */
    public static double dequantized(GgmlType type, MemorySegment w, long offset, float[] x) {
        float[] wf = ScalarDequant.row(type, w, offset, x.length);
        double sum = 0;
        for (int i = 0; i < x.length; i++) sum += (double) wf[i] * x[i];
        return sum;
    }

    /**
     * The kernels' form: for each block, {@code Σ_g da_g·(d·scale_g·Σ q·qa − dmin·min_g·Σ qa)} (da_g: the scale of
     * the activation block group g lies in) with the
     * inner sums in exact integers (float weights: Σ w·x). Accumulated in double, so it is the exact value
     * the float kernels approximate.
     */
    public static double integer(GgmlType type, MemorySegment w, long offset, Activation a) {
        if (a.format != ActivationFormat.forWeight(type)) {
            throw new IllegalArgumentException(type + " weights need " + ActivationFormat.forWeight(type)
                    + " activations, got " + a.format);
        }
        if (a.format == ActivationFormat.F32) return dequantized(type, w, offset, a.values);
        RowCheck.check(type, w, offset, a.n);
        BlockCodes c = new BlockCodes();
        double sum = 0;
        for (int blk = 0; blk < a.n / type.blockSize; blk++) {
            BlockDecoder.decode(type, w, offset + (long) blk * type.bytesPerBlock, c);
            sum += block(c, a, blk * type.blockSize);
        }
        return sum;
    }

    /** One weight block; each group takes the scale of the activation block it lies in (32 or 256 wide). */
    private static double block(BlockCodes c, Activation a, int from) {
        double sum = 0;
        for (int g = 0; g < c.groups(); g++) {
            long products = 0, qsum = 0;
            int start = from + g * c.groupSize;
            for (int i = start; i < start + c.groupSize; i++) {
                products += (long) c.q[i - from] * a.quant(i);
                qsum += a.quant(i);
            }
            double da = a.scales[start / a.format.blockSize];
            sum += da * ((double) c.d * c.scale[g] * products - (double) c.dmin * c.min[g] * qsum);
        }
        return sum;
    }
}
