package dev.jmoe.host.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Lane arithmetic whose results do not depend on the JIT's state: built from adds, multiplies, FMAs and bit
 * operations only, which round the same in the interpreter and in compiled code. (The Vector API's own
 * {@code reduceLanes(ADD)} leaves the order open and its {@code EXP} may call a native library once
 * compiled, so one forward pass could differ in its last bits with the JIT's state: it must give the same
 * bits on 1 or 2 threads, in a batch or token by token.)
 */
public final class VectorMath {
    private VectorMath() {}

    /**
     * The sum of the {@code lanes} values (a power of two) from {@code stored[from]}: a vector's lanes as the
     * kernel that owns the vector stored them ({@code v.intoArray}), summed by folding halves onto each other
     * (value i plus value i + half, down to one) with scalar adds, so the order is fixed. Overwrites them.
     *
     * <p>Kernels store their accumulators and call this instead of passing a vector: a vector that crosses a
     * call C2 does not inline is boxed, and in the called method, compiled alone, the Vector API runs its
     * slow Java fallback. Large kernels reach C2's node-count cutoff for inlining before their last lines
     * (where the sums are), so an earlier {@code laneSum(FloatVector)} was such a call in {@code q4_k},
     * {@code q6_k} and the four-token kernels: 23% of the JFR samples of the speed model's decode were in
     * its fallback, and tg64 rose 15–25% without it (old and new builds alternating, 2 threads).
     */
    public static float laneSum(float[] stored, int from, int lanes) {
        if (lanes == 8) return laneSum8(stored, from);
        if (lanes == 16) return laneSum16(stored, from);
        for (int half = lanes / 2; half >= 1; half /= 2) {
            for (int i = from; i < from + half; i++) stored[i] += stored[i + half];
        }
        return stored[from];
    }

    /**
     * {@link #laneSum} of eight lanes, the same order written out as a tree on values read once (the loop writes
     * each level back and reads it again, a store-to-load round trip per level at the end of every dot). Kept
     * apart and small so that C2 inlines it where the kernels are already large.
     */
    public static float laneSum8(float[] s, int f) {
        return ((s[f] + s[f + 4]) + (s[f + 2] + s[f + 6])) + ((s[f + 1] + s[f + 5]) + (s[f + 3] + s[f + 7]));
    }

    /** {@link #laneSum} of sixteen lanes, as {@link #laneSum8} is of eight: lane i + lane i + 8 first, then as eight. */
    public static float laneSum16(float[] s, int f) {
        return (((s[f] + s[f + 8]) + (s[f + 4] + s[f + 12])) + ((s[f + 2] + s[f + 10]) + (s[f + 6] + s[f + 14])))
                + (((s[f + 1] + s[f + 9]) + (s[f + 5] + s[f + 13])) + ((s[f + 3] + s[f + 11]) + (s[f + 7] + s[f + 15])));
    }

    private static final float LOG2_E = 1.44269504f;
    /** ln 2 split so that n·LN2_HIGH is exact for the n that occur (|n| ≤ 127). */
    private static final float LN2_HIGH = 0.693359375f, LN2_LOW = -2.12194440e-4f;
    /** 1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer, kept in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    /** Below this e^x is under the smallest normal float; such lanes give that smallest normal instead. */
    private static final float LOWEST = -87.3365f;

    /**
     * e^x for x ≤ 0 (the softmax's x − max), within 2 ulp: x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its
     * Taylor series to r^7 (the next term is below 6e-9 relative), times 2^n put into the exponent.
     */
    public static FloatVector expNonPositive(FloatVector x) {
        VectorSpecies<Float> f = x.species();
        x = x.max(LOWEST);
        FloatVector shifted = x.fma(FloatVector.broadcast(f, LOG2_E), FloatVector.broadcast(f, ROUNDER));
        FloatVector n = shifted.sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(f, -LN2_HIGH), x);
        r = n.fma(FloatVector.broadcast(f, -LN2_LOW), r);
        FloatVector p = FloatVector.broadcast(f, 1f / 5040);
        p = p.fma(r, FloatVector.broadcast(f, 1f / 720));
        p = p.fma(r, FloatVector.broadcast(f, 1f / 120));
        p = p.fma(r, FloatVector.broadcast(f, 1f / 24));
        p = p.fma(r, FloatVector.broadcast(f, 1f / 6));
        p = p.fma(r, FloatVector.broadcast(f, 0.5f));
        p = p.fma(r, FloatVector.broadcast(f, 1f));
        p = p.fma(r, FloatVector.broadcast(f, 1f));
        IntVector exponent = ((IntVector) shifted.viewAsIntegralLanes()).sub(Float.floatToRawIntBits(ROUNDER) - 127).lanewise(VectorOperators.LSHL, 23);
        return p.mul((FloatVector) exponent.viewAsFloatingLanes());
    }

    /**
     * out[i] = silu(gate[i]) · up[i] for i below n, silu(g) = g / (1 + e^−g), written as g·(g < 0 ? e : 1) / (1 + e)
     * with e = e^−|g|, so the exponential only sees x ≤ 0 ({@link #expNonPositive}); the lanes left over after
     * whole vectors take the same formula with {@link Math#exp}.
     */
    public static void swiglu(float[] gate, float[] up, int n, float[] out) {
        swiglu(gate, up, 0, n, out);
    }

    /**
     * As {@link #swiglu(float[], float[], int, float[])} for elements from..to. With {@code from} a whole
     * number of vectors, each element takes the same path (vector or scalar tail) as in one call over all.
     */
    public static void swiglu(float[] gate, float[] up, int from, int to, float[] out) {
        VectorSpecies<Float> f = PREFERRED;
        int i = from;
        for (; i + f.length() <= to; i += f.length()) {
            FloatVector g = FloatVector.fromArray(f, gate, i);
            FloatVector e = expNonPositive(g.abs().neg());
            FloatVector numerator = FloatVector.broadcast(f, 1f).blend(e, g.lt(0f));
            g.mul(numerator).div(e.add(1f)).mul(FloatVector.fromArray(f, up, i)).intoArray(out, i);
        }
        for (; i < to; i++) {
            float g = gate[i], e = (float) Math.exp(-Math.abs(g));
            out[i] = g * (g < 0 ? e : 1f) / (1f + e) * up[i];
        }
    }

    private static final VectorSpecies<Float> PREFERRED = RowDots.preferredSpecies();
    private static final VectorSpecies<Short> HALVES = VectorDot.LF.length() == 8 ? ShortVector.SPECIES_128 : ShortVector.SPECIES_64;

    /**
     * dst[off + i] = the f16 at {@code src[at + 2i]} as a float, for i below n, exactly as
     * {@link Float#float16ToFloat}: exponent and mantissa moved up by 13 bits and scaled by 2^112 (exact for
     * normal and subnormal halves alike), infinities and NaNs given the float exponent (NaNs made quiet), the
     * sign put back.
     */
    public static void float16ToFloat(MemorySegment src, long at, float[] dst, int off, int n) {
        VectorSpecies<Float> f = VectorDot.LF;
        int i = 0;
        for (; i + f.length() <= n; i += f.length()) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(HALVES, src, at + 2L * i, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, VectorDot.LI, 0);
            IntVector magnitude = h.and(0x7FFF);
            IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
            IntVector finite = ((FloatVector) shifted.viewAsFloatingLanes()).mul(0x1p112f).viewAsIntegralLanes().reinterpretAsInts();
            IntVector bits = finite.blend(shifted.or(0x7F800000), magnitude.compare(VectorOperators.GE, 0x7C00));
            bits = bits.blend(bits.or(0x00400000), magnitude.compare(VectorOperators.GT, 0x7C00));   // NaNs come out quiet
            bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).viewAsFloatingLanes().reinterpretAsFloats().intoArray(dst, off + i);
        }
        for (; i < n; i++) dst[off + i] = Float.float16ToFloat(src.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 2L * i));
    }
}
