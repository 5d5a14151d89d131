package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Test helper: the tolerance for a float kernel against the exact reference dot product. Any order of
 * float summation of m terms errs by at most about m·2^-24·Σ|term| (each addition rounds relative to a
 * partial sum no larger than Σ|term|), so the bound is (terms + slack)·2^-24·Σ|term|, with the terms being
 * what the kernels add: per block group d·da·sc·Σ|q·qa| and the min terms, or w·x for float weights. The
 * sums are of magnitudes because the kernels' per-lane partial sums round once they are scaled, and those
 * may cancel in the end (a block whose Σ q·qa is small can hold large lane sums of either sign).
 */
final class DotMagnitude {
    private DotMagnitude() {}

    static double tolerance(GgmlType type, MemorySegment w, long offset, Activation a) {
        Magnitude m = magnitude(type, w, offset, a);
        return (m.terms + 24) * EPS * m.sum + Float.MIN_NORMAL;
    }

    /**
     * The tolerance for {@link DenseTiles}: every weight is dequantized to a float (one rounding), every
     * product rounds and all n of them are summed, so the bound is (n + slack)·2^-24 times the same
     * magnitude, which bounds Σ|w·x|.
     */
    static double denseTolerance(GgmlType type, MemorySegment w, long offset, Activation a) {
        return (a.n + 26) * EPS * magnitude(type, w, offset, a).sum + Float.MIN_NORMAL;
    }

    private static final double EPS = Math.ulp(1f) / 2;

    /** Σ|term| and how many terms the kernels add: per block group d·da·sc·Σ|q·qa| and the min term, or w·x. */
    private record Magnitude(double sum, int terms) {}

    private static Magnitude magnitude(GgmlType type, MemorySegment w, long offset, Activation a) {
        if (a.format == ActivationFormat.F32) {
            float[] wf = ScalarDequant.row(type, w, offset, a.n);
            double mag = 0;
            for (int i = 0; i < a.n; i++) mag += Math.abs((double) wf[i] * a.values[i]);
            return new Magnitude(mag, a.n);
        }
        BlockCodes c = new BlockCodes();
        double mag = 0;
        int terms = 0;
        for (int blk = 0; blk < a.n / type.blockSize; blk++) {
            BlockDecoder.decode(type, w, offset + (long) blk * type.bytesPerBlock, c);
            int from = blk * type.blockSize;
            for (int g = 0; g < c.groups(); g++) {
                long products = 0, qsum = 0;
                for (int i = g * c.groupSize; i < (g + 1) * c.groupSize; i++) {
                    products += Math.abs((long) c.q[i] * a.quant(from + i));
                    qsum += Math.abs(a.quant(from + i));
                }
                double da = Math.abs(a.scales[(from + g * c.groupSize) / a.format.blockSize]);
                mag += da * (Math.abs((double) c.d * c.scale[g] * products) + Math.abs((double) c.dmin * c.min[g] * qsum));
                terms += 2;
            }
        }
        return new Magnitude(mag, terms);
    }
}
