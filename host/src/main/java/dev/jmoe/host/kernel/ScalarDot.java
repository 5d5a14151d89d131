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
     * The kernels' form: for each block, {@code da·(d·Σ_g scale_g·Σ q·qa − dmin·Σ_g min_g·Σ qa)} with the
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

    private static double block(BlockCodes c, Activation a, int from) {
        long scaled = 0, mins = 0;
        for (int g = 0; g < c.groups(); g++) {
            long products = 0, qsum = 0;
            for (int i = g * c.groupSize; i < (g + 1) * c.groupSize; i++) {
                products += (long) c.q[i] * a.quants[from + i];
                qsum += a.quants[from + i];
            }
            scaled += c.scale[g] * products;
            mins += c.min[g] * qsum;
        }
        double da = a.scales[from / a.format.blockSize];
        return da * ((double) c.d * scaled - (double) c.dmin * mins);
    }
}
