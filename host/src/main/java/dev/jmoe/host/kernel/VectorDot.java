package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.constant.ConstantDescs;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The Vector API dot kernels, one method per weight type with all its vector arithmetic inside it.
 *
 * <p>Weight quants are widened to float lanes and multiplied with the activation quants (held as floats):
 * within a block every partial sum is an integer below 2^24, so this is the exact integer dot product of
 * the reference, computed with float FMAs (the Vector API has no int8 dot instruction to reach for).
 *
 * <p>Bit fields are shifted as 16-bit lanes and then masked (x86 has no byte shifts; the Vector API emulates
 * them with several instructions: Q4_0 took 0.059 instead of 0.043 ns per element). That is exact whenever
 * the mask keeps only bits no neighbouring byte can shift into: after a right shift by s, bits below 8 − s;
 * after a left shift by s, bits at or above s.
 *
 * <p>The species must be a compile-time constant for C2 to turn the Vector API into vector instructions
 * (an instance field makes the same code about ten times slower), so it is a {@code static final} field.
 * This class as loaded normally uses the preferred species; {@link RowDots#withSpecies} defines a hidden
 * copy of this class whose class data is another species, which is how the 256- and 128-bit paths are
 * tested on a 512-bit machine (and the 512-bit ones, in the Java fallback, on an AVX2 machine). No lambdas
 * or nested classes here: the hidden copy must be self-contained.
 */
final class VectorDot implements RowDot {
    static final VectorSpecies<Float> F = chosenSpecies();
    private static final int FL = F.length();
    /** Weight bytes per load: 16 for 16 float lanes, 8 otherwise (there is no 4-lane byte species). */
    private static final VectorSpecies<Byte> B = FL >= 16 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;
    private static final int BL = B.length();
    /** Float vectors per byte load. */
    private static final int P = BL / FL;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(FL * 16));
    /** Eight lanes for the eight sub-block mins of a Q4_K/Q5_K super-block, whatever the main width. */
    private static final VectorSpecies<Float> M = FloatVector.SPECIES_256;
    /**
     * The int-lane kernels' width (the K types): four weight bytes per int lane, at most 8 lanes, the width of
     * the {@link Activation#lanes} order (on a 512-bit machine the single-token and Q4_K/Q6_K four-token dots
     * run at 16 lanes instead, {@link #F16}; the rest of the four-token dots and {@link DenseTiles} stay here).
     */
    static final VectorSpecies<Float> LF = FL >= 8 ? FloatVector.SPECIES_256 : FloatVector.SPECIES_128;
    static final VectorSpecies<Integer> LI = VectorSpecies.of(int.class, LF.vectorShape());
    static final int LL = LF.length();
    /** Lanes holding a Q6_K row's second 16 elements in the first load of its 32 bytes (none at 4 lanes). */
    private static final VectorMask<Float> SECOND_SIXTEEN = VectorMask.fromLong(LF, LL == 8 ? 0xF0 : 0);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /**
     * The 16-int-lane kernels' species (the K types' {@code *16} methods: at 512 bits they read 64 weight
     * bytes per load against {@link Activation#lanes16}); used only where {@code FL == 16}.
     */
    private static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
    private static final VectorMask<Float> UPPER_EIGHT = VectorMask.fromLong(F16, 0xFF00);
    /** A 64-byte load's first or second 32 bytes in both halves of the vector. */
    private static final VectorShuffle<Integer> FIRST_TWICE = VectorShuffle.fromValues(I16, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7);
    private static final VectorShuffle<Integer> SECOND_TWICE = VectorShuffle.fromValues(I16, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
    /** Per-lane shifts: the second half of a Q4_K chunk is its high nibbles. */
    private static final IntVector HIGH_NIBBLES_ABOVE = halves(0, 4);
    /** Per-lane shifts: a Q5_K chunk's high nibbles (a Q3_K pair's second field) take the high bit above the first's. */
    private static final IntVector HIGH_NIBBLES_NEXT_BIT = halves(0, 1);
    /** Q6_K's high bits to bits 4–5: rows 0 and 1 of a half from qh bits 0–1 and 2–3 (left), rows 2 and 3 from 4–5 and 6–7 (right). */
    private static final IntVector Q6_ROWS01_LEFT = halves(4, 2), Q6_ROWS23_RIGHT = halves(0, 2);
    /** Per-lane shifts: a Q2_K/Q3_K half's 2-bit fields 0 and 1, or 2 and 3, in one vector. */
    private static final IntVector FIELDS01 = halves(0, 2), FIELDS23 = halves(4, 6);
    /** Q3_K group i's scale bits: low nibble in byte i & 7 of the low long (upper word for (i & 7) ≥ 4), top bits in the high int. */
    private static final VectorMask<Integer> Q3_UPPER_WORD = VectorMask.fromLong(I16, 0xF0F0);
    private static final IntVector Q3_LOW_SHIFTS = q3Shifts(4, 3), Q3_HIGH_SHIFTS = q3Shifts(2, 2);
    /** For the 64 elements q of a super-block (0–3): lane L takes the 16-element group 4q + L/4. */
    private static final VectorShuffle<Float>[] Q6_GROUPS = q6Groups();

    /**
     * An IQ4_XS pair of sub-blocks from a 64-byte load of four (the first or second two): lane 8h + i takes
     * the int of bytes 4·(i & 3).. of sub-block h, shifted down a nibble where i ≥ 4 (those lanes are its
     * high nibbles, elements 16..31), so that byte k of lane 8h + i holds the code of element 32h + 4i + k:
     * the {@link Activation#lanes16} order.
     */
    private static final VectorShuffle<Integer> IQ4_PAIR_FIRST = VectorShuffle.fromValues(I16, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7);
    private static final VectorShuffle<Integer> IQ4_PAIR_SECOND = VectorShuffle.fromValues(I16, 8, 9, 10, 11, 8, 9, 10, 11, 12, 13, 14, 15, 12, 13, 14, 15);
    private static final IntVector IQ4_HIGH_NIBBLES = IntVector.fromArray(I16, new int[] {0, 0, 0, 0, 4, 4, 4, 4, 0, 0, 0, 0, 4, 4, 4, 4}, 0);
    /**
     * A Q5_0/Q5_1 pair of blocks from two loads of their 16 nibble bytes (lanes 0–3 of each): as
     * {@link #IQ4_PAIR_FIRST} places a pair, the first block's in lanes 0–7, the second's (the second vector, indexes
     * 16..) in 8–15; {@link #IQ4_HIGH_NIBBLES} then shifts the lanes of high nibbles down.
     */
    private static final IntVector Q5_PAIR = IntVector.fromArray(I16, new int[] {0, 1, 2, 3, 0, 1, 2, 3, 16, 17, 18, 19, 16, 17, 18, 19}, 0);
    private static final VectorMask<Integer> UPPER_EIGHT_INTS = VectorMask.fromLong(I16, 0xFF00);
    /** Per lane 8h + i: the shift that brings bits 4i..4i+3 of a block's 32 fifth bits (those of its elements 4i + k) down. */
    private static final IntVector Q5_HIGH_SHIFTS = q5HighShifts();
    /** Four bits b0..b3 spread to bits 4, 12, 20, 28: each byte's fifth bit, picked by an int lane shuffle. */
    private static final IntVector Q5_SPREAD = q5Spread();

    private static IntVector q5HighShifts() {
        int[] v = new int[16];
        for (int i = 0; i < 16; i++) v[i] = 4 * (i & 7);
        return IntVector.fromArray(I16, v, 0);
    }

    private static IntVector q5Spread() {
        int[] v = new int[16];
        for (int b = 0; b < 16; b++) {
            for (int k = 0; k < 4; k++) v[b] |= ((b >>> k) & 1) << (8 * k + 4);
        }
        return IntVector.fromArray(I16, v, 0);
    }

    /** The IQ4 levels as floats times 2^(8k), as int bits: a code's level against {@link Activation#lanes16}'s byte-k slots. */
    private static final IntVector IQ4_LEVELS0 = iq4Levels(0), IQ4_LEVELS1 = iq4Levels(1), IQ4_LEVELS2 = iq4Levels(2), IQ4_LEVELS3 = iq4Levels(3);

    private static IntVector iq4Levels(int k) {
        int[] bits = new int[16];
        for (int c = 0; c < 16; c++) bits[c] = Float.floatToRawIntBits(Iq4Levels.level(c) * (float) (1 << (8 * k)));
        return IntVector.fromArray(I16, bits, 0);
    }

    /** Lane i: 8·(i & 3) + step·(i >>> log2Run), the shift of Q3_K group i's bits within their int. */
    private static IntVector q3Shifts(int step, int log2Run) {
        int[] v = new int[16];
        for (int i = 0; i < 16; i++) v[i] = 8 * (i & 3) + step * (i >>> log2Run);
        return IntVector.fromArray(I16, v, 0);
    }

    private static IntVector halves(int first, int second) {
        int[] v = new int[16];
        for (int i = 0; i < 16; i++) v[i] = i < 8 ? first : second;
        return IntVector.fromArray(I16, v, 0);
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] q6Groups() {
        VectorShuffle<Float>[] groups = new VectorShuffle[4];
        for (int q = 0; q < 4; q++) {
            int[] lanes = new int[16];
            for (int l = 0; l < 16; l++) lanes[l] = 4 * q + l / 4;
            groups[q] = VectorShuffle.fromArray(F16, lanes, 0);
        }
        return groups;
    }

    private static VectorSpecies<Float> chosenSpecies() {
        try {
            @SuppressWarnings("unchecked")
            VectorSpecies<Float> given = MethodHandles.classData(MethodHandles.lookup(), ConstantDescs.DEFAULT_NAME, VectorSpecies.class);
            return given != null ? given : RowDots.preferredSpecies();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int vectorBits() {
        return F.vectorBitSize();
    }

    @Override
    public float dot(GgmlType type, MemorySegment w, long offset, Activation a, float[] scratch) {
        RowDot.checkScratch(scratch);
        checkFormat(type, a);
        RowCheck.check(type, w, offset, a.n);
        return kernel(type, w, offset, a, scratch);
    }

    /** Checked once for all the rows (the checks' divisions cost 5–6% of a Q4_K dot done one by one). */
    @Override
    public void dotRows(GgmlType type, MemorySegment w, long offset, long rowBytes, int count, Activation a,
                        float[] out, int at, float[] scratch) {
        if (count <= 0) return;
        RowDot.checkScratch(scratch);
        checkFormat(type, a);
        Objects.checkFromIndexSize(at, count, out.length);
        if (rowBytes < type.bytesFor(a.n)) throw new IllegalArgumentException("rows " + rowBytes + " bytes apart overlap " + type + " rows of " + a.n + " elements");
        RowCheck.check(type, w, offset, a.n);
        RowCheck.check(type, w, offset + (count - 1) * rowBytes, a.n);
        for (int r = 0; r < count; r++) out[at + r] = kernel(type, w, offset + r * rowBytes, a, scratch);
    }

    private static void checkFormat(GgmlType type, Activation a) {
        if (a.format != ActivationFormat.forWeight(type)) {
            throw new IllegalArgumentException(type + " weights need " + ActivationFormat.forWeight(type)
                    + " activations, got " + a.format);
        }
    }

    /** The kernel of {@code type} on a checked row. */
    private static float kernel(GgmlType type, MemorySegment w, long offset, Activation a, float[] scratch) {
        return switch (type) {
            case F32 -> f32(w, offset, a, scratch);
            case F16 -> f16(w, offset, a, scratch);
            case BF16 -> bf16(w, offset, a, scratch);
            case Q8_0 -> q8_0(w, offset, a, scratch);
            case Q4_0 -> q4_0(w, offset, a, scratch);
            case Q4_1 -> q4_1(w, offset, a, scratch);
            case Q5_0 -> FL == 16 && a.n % 64 == 0 ? q5_016(w, offset, a, scratch) : FL == 8 ? q5_08(w, offset, a, scratch) : q5_0(w, offset, a, scratch);
            case Q5_1 -> FL == 16 && a.n % 64 == 0 ? q5_116(w, offset, a, scratch) : FL == 8 ? q5_18(w, offset, a, scratch) : q5_1(w, offset, a, scratch);
            case Q2_K -> FL == 16 ? q2_k16(w, offset, a, scratch) : q2_k(w, offset, a, scratch);
            case Q3_K -> FL == 16 ? q3_k16(w, offset, a, scratch) : q3_k(w, offset, a, scratch);
            case Q4_K -> FL == 16 ? q4_k16(w, offset, a, scratch) : q4_k(w, offset, a, scratch);
            case Q5_K -> FL == 16 ? q5_k16(w, offset, a, scratch) : q5_k(w, offset, a, scratch);
            case Q6_K -> FL == 16 ? q6_k16(w, offset, a, scratch) : q6_k(w, offset, a, scratch);
            case IQ4_NL -> iq4_nl(w, offset, a, scratch);
            case IQ4_XS -> FL == 16 ? iq4_xs16(w, offset, a, scratch) : iq4_xs(w, offset, a, scratch);
            default -> throw new IllegalArgumentException("no kernel for tensor type " + type);
        };
    }

    @Override
    public void dot4(GgmlType type, MemorySegment w, long offset, Activation a0, Activation a1, Activation a2,
                     Activation a3, float[] out, float[] scratch) {
        RowDot.checkScratch(scratch);
        switch (type) {
            case Q8_0, Q4_0, Q4_K, Q6_K, IQ4_NL, IQ4_XS -> {
                if (!sameShape(a0, a1) || !sameShape(a0, a2) || !sameShape(a0, a3)) {
                    throw new IllegalArgumentException("dot4 needs four activations of one format and length");
                }
                checkFormat(type, a0);
                RowCheck.check(type, w, offset, a0.n);
                switch (type) {
                    case Q4_K -> {
                        if (FL == 16) q4_k16x4(w, offset, a0, a1, a2, a3, out, scratch);
                        else q4_kx4(w, offset, a0, a1, a2, a3, out, scratch);
                    }
                    case Q6_K -> {
                        if (FL == 16) q6_k16x4(w, offset, a0, a1, a2, a3, out, scratch);
                        else q6_kx4(w, offset, a0, a1, a2, a3, out, scratch);
                    }
                    case IQ4_NL -> iq4_nlx4(w, offset, a0, a1, a2, a3, out, scratch);
                    case IQ4_XS -> {
                        if (FL == 16) iq4_xs16x4(w, offset, a0, a1, a2, a3, out, scratch);
                        else iq4_xsx4(w, offset, a0, a1, a2, a3, out, scratch);
                    }
                    default -> blocks32x4(type == GgmlType.Q4_0, w, offset, a0, a1, a2, a3, out, scratch);
                }
            }
            default -> RowDot.super.dot4(type, w, offset, a0, a1, a2, a3, out, scratch);
        }
    }

    private static boolean sameShape(Activation a, Activation b) {
        return a.format == b.format && a.n == b.n;
    }

    /**
     * Q8_0 or Q4_0 against four tokens: each weight block is widened to floats once and multiplied with the
     * four tokens' activations (exact lane sums per token, then d·da_t). Q4_0 blocks alternate between two
     * accumulators per token as {@link #q4_0} does, so each token's result equals its single dot bit for bit.
     */
    private static void blocks32x4(boolean nibbles, MemorySegment w, long off, Activation a0, Activation a1,
                                   Activation a2, Activation a3, float[] out, float[] stored) {
        float[] x0 = a0.values, x1 = a1.values, x2 = a2.values, x3 = a3.values;
        long blockBytes = nibbles ? 18 : 34;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F), acc2 = FloatVector.zero(F), acc3 = FloatVector.zero(F);
        FloatVector odd0 = FloatVector.zero(F), odd1 = FloatVector.zero(F), odd2 = FloatVector.zero(F), odd3 = FloatVector.zero(F);
        for (int blk = 0; blk < a0.n / 32; blk++) {
            long b = off + blockBytes * blk;
            int e0 = 32 * blk;
            FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F), s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
            for (int j = 0; j < 32; j += BL) {
                // Nibble blocks: bytes j % 16.. hold elements j.. (low nibbles, j < 16) and j.. (high nibbles, j >= 16).
                ByteVector q = ByteVector.fromMemorySegment(B, w, b + 2 + (nibbles ? j & 15 : j), LE);
                if (nibbles) {
                    q = (j < 16 ? q : q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()).and((byte) 0x0F).sub((byte) 8);
                }
                for (int p = 0; p < P; p++) {
                    int e = e0 + j + p * FL;
                    FloatVector qf = (FloatVector) q.convertShape(VectorOperators.B2F, F, p);
                    s0 = qf.fma(FloatVector.fromArray(F, x0, e), s0);
                    s1 = qf.fma(FloatVector.fromArray(F, x1, e), s1);
                    s2 = qf.fma(FloatVector.fromArray(F, x2, e), s2);
                    s3 = qf.fma(FloatVector.fromArray(F, x3, e), s3);
                }
            }
            float d = Bytes.f16(w, b);
            if (nibbles && (blk & 1) == 1) {
                odd0 = s0.fma(FloatVector.broadcast(F, d * a0.scales[blk]), odd0);
                odd1 = s1.fma(FloatVector.broadcast(F, d * a1.scales[blk]), odd1);
                odd2 = s2.fma(FloatVector.broadcast(F, d * a2.scales[blk]), odd2);
                odd3 = s3.fma(FloatVector.broadcast(F, d * a3.scales[blk]), odd3);
            } else {
                acc0 = s0.fma(FloatVector.broadcast(F, d * a0.scales[blk]), acc0);
                acc1 = s1.fma(FloatVector.broadcast(F, d * a1.scales[blk]), acc1);
                acc2 = s2.fma(FloatVector.broadcast(F, d * a2.scales[blk]), acc2);
                acc3 = s3.fma(FloatVector.broadcast(F, d * a3.scales[blk]), acc3);
            }
        }
        (nibbles ? acc0.add(odd0) : acc0).intoArray(stored, 0);
        (nibbles ? acc1.add(odd1) : acc1).intoArray(stored, FL);
        (nibbles ? acc2.add(odd2) : acc2).intoArray(stored, 2 * FL);
        (nibbles ? acc3.add(odd3) : acc3).intoArray(stored, 3 * FL);
        for (int k = 0; k < 4; k++) out[k] = VectorMath.laneSum(stored, k * FL, FL);
    }

    /**
     * IQ4_NL against four tokens, as {@link #iq4_nl}: each block's codes become levels and floats once for all
     * four; per token the same exact lane sum and the same scaling, so each token equals its single dot bit for bit.
     */
    private static void iq4_nlx4(MemorySegment w, long off, Activation a0, Activation a1, Activation a2, Activation a3,
                                 float[] out, float[] stored) {
        float[] x0 = a0.values, x1 = a1.values, x2 = a2.values, x3 = a3.values;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F), acc2 = FloatVector.zero(F), acc3 = FloatVector.zero(F);
        for (int blk = 0; blk < a0.n / 32; blk++) {
            long b = off + 18L * blk;
            ByteVector q = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, b + 2, LE);
            ByteVector lo = q.and((byte) 0x0F).selectFrom(Iq4Levels.VECTOR);
            ByteVector hi = q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).selectFrom(Iq4Levels.VECTOR);
            FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F), s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
            for (int p = 0; p < 16 / FL; p++) {
                FloatVector l = (FloatVector) lo.convertShape(VectorOperators.B2F, F, p), h = (FloatVector) hi.convertShape(VectorOperators.B2F, F, p);
                int el = 32 * blk + p * FL, eh = el + 16;
                s0 = h.fma(FloatVector.fromArray(F, x0, eh), l.fma(FloatVector.fromArray(F, x0, el), s0));
                s1 = h.fma(FloatVector.fromArray(F, x1, eh), l.fma(FloatVector.fromArray(F, x1, el), s1));
                s2 = h.fma(FloatVector.fromArray(F, x2, eh), l.fma(FloatVector.fromArray(F, x2, el), s2));
                s3 = h.fma(FloatVector.fromArray(F, x3, eh), l.fma(FloatVector.fromArray(F, x3, el), s3));
            }
            float d = Bytes.f16(w, b);
            acc0 = s0.fma(FloatVector.broadcast(F, d * a0.scales[blk]), acc0);
            acc1 = s1.fma(FloatVector.broadcast(F, d * a1.scales[blk]), acc1);
            acc2 = s2.fma(FloatVector.broadcast(F, d * a2.scales[blk]), acc2);
            acc3 = s3.fma(FloatVector.broadcast(F, d * a3.scales[blk]), acc3);
        }
        acc0.intoArray(stored, 0);
        acc1.intoArray(stored, FL);
        acc2.intoArray(stored, 2 * FL);
        acc3.intoArray(stored, 3 * FL);
        for (int k = 0; k < 4; k++) out[k] = VectorMath.laneSum(stored, k * FL, FL);
    }

    /**
     * IQ4_XS against four tokens, as {@link #iq4_xs}: each sub-block's codes become levels and floats once for
     * all four; per token the same exact lane sums, scaled and accumulated in the same order, so each token
     * equals its single dot bit for bit.
     */
    private static void iq4_xsx4(MemorySegment w, long off, Activation a0, Activation a1, Activation a2, Activation a3,
                                 float[] out, float[] stored) {
        float[] x0 = a0.values, x1 = a1.values, x2 = a2.values, x3 = a3.values;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F), acc2 = FloatVector.zero(F), acc3 = FloatVector.zero(F);
        for (int sb = 0; sb < a0.n / 256; sb++) {
            long b = off + 136L * sb;
            int high = w.get(Bytes.SHORT, b + 2), low = w.get(Bytes.INT, b + 4);
            FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F), s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
            for (int g = 0; g < 8; g++) {
                ByteVector q = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, b + 8 + 16 * g, LE);
                ByteVector lo = q.and((byte) 0x0F).selectFrom(Iq4Levels.VECTOR);
                ByteVector hi = q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).selectFrom(Iq4Levels.VECTOR);
                FloatVector t0 = FloatVector.zero(F), t1 = FloatVector.zero(F), t2 = FloatVector.zero(F), t3 = FloatVector.zero(F);
                for (int p = 0; p < 16 / FL; p++) {
                    FloatVector l = (FloatVector) lo.convertShape(VectorOperators.B2F, F, p), h = (FloatVector) hi.convertShape(VectorOperators.B2F, F, p);
                    int el = 256 * sb + 32 * g + p * FL, eh = el + 16;
                    t0 = h.fma(FloatVector.fromArray(F, x0, eh), l.fma(FloatVector.fromArray(F, x0, el), t0));
                    t1 = h.fma(FloatVector.fromArray(F, x1, eh), l.fma(FloatVector.fromArray(F, x1, el), t1));
                    t2 = h.fma(FloatVector.fromArray(F, x2, eh), l.fma(FloatVector.fromArray(F, x2, el), t2));
                    t3 = h.fma(FloatVector.fromArray(F, x3, eh), l.fma(FloatVector.fromArray(F, x3, el), t3));
                }
                FloatVector scale = FloatVector.broadcast(F, Iq4Levels.xsScale(high, low, g));
                s0 = t0.fma(scale, s0);
                s1 = t1.fma(scale, s1);
                s2 = t2.fma(scale, s2);
                s3 = t3.fma(scale, s3);
            }
            float d = Bytes.f16(w, b);
            acc0 = s0.fma(FloatVector.broadcast(F, d * a0.scales[sb]), acc0);
            acc1 = s1.fma(FloatVector.broadcast(F, d * a1.scales[sb]), acc1);
            acc2 = s2.fma(FloatVector.broadcast(F, d * a2.scales[sb]), acc2);
            acc3 = s3.fma(FloatVector.broadcast(F, d * a3.scales[sb]), acc3);
        }
        acc0.intoArray(stored, 0);
        acc1.intoArray(stored, FL);
        acc2.intoArray(stored, 2 * FL);
        acc3.intoArray(stored, 3 * FL);
        for (int k = 0; k < 4; k++) out[k] = VectorMath.laneSum(stored, k * FL, FL);
    }

    /**
     * Q4_K against four tokens, as {@link #q4_k}: each half-chunk (one sub-block of 32) is masked and widened
     * once for all four, and the exact lane sums are scaled and accumulated in sub-block order, so each
     * token equals its single dot bit for bit.
     */
    private static void q4_kx4(MemorySegment w, long off, Activation a0, Activation a1, Activation a2, Activation a3,
                               float[] out, float[] stored) {
        float[] x0 = a0.lanes, x1 = a1.lanes, x2 = a2.lanes, x3 = a3.lanes;
        FloatVector acc0 = FloatVector.zero(LF), acc1 = FloatVector.zero(LF), acc2 = FloatVector.zero(LF), acc3 = FloatVector.zero(LF);
        FloatVector mins0 = FloatVector.zero(M), mins1 = FloatVector.zero(M), mins2 = FloatVector.zero(M), mins3 = FloatVector.zero(M);
        for (int sb = 0; sb < a0.n / 256; sb++) {
            long b = off + 144L * sb;
            int e0 = 256 * sb;
            long packed = w.get(Bytes.LONG, b + 4);
            int packedHigh = w.get(Bytes.INT, b + 12);
            int scales03 = KScales.scales0to3(packed), scales47 = KScales.scales4to7(packed, packedHigh);
            FloatVector s0 = FloatVector.zero(LF), s1 = FloatVector.zero(LF), s2 = FloatVector.zero(LF), s3 = FloatVector.zero(LF);
            for (int half = 0; half < 8; half++) {
                // sub-block 'half': the low nibbles of chunk half/2 if even, the high ones if odd
                int c = half >>> 1;
                int scales = c < 2 ? scales03 : scales47;
                int sc = (scales >>> (16 * (c & 1) + 8 * (half & 1))) & 0xFF;
                FloatVector t0 = FloatVector.zero(LF), t1 = FloatVector.zero(LF), t2 = FloatVector.zero(LF), t3 = FloatVector.zero(LF);
                for (int i = 0; i < 8; i += LL) {
                    IntVector q = IntVector.fromMemorySegment(LI, w, b + 16 + 32 * c + 4 * i, LE);
                    if ((half & 1) == 1) q = q.lanewise(VectorOperators.LSHR, 4);
                    int e = e0 + 32 * half + i;
                    for (int k = 0; k < 4; k++) {
                        FloatVector qf = (FloatVector) q.and(0x0F << (8 * k)).convert(VectorOperators.I2F, 0);
                        t0 = qf.fma(FloatVector.fromArray(LF, x0, e + 8 * k), t0);
                        t1 = qf.fma(FloatVector.fromArray(LF, x1, e + 8 * k), t1);
                        t2 = qf.fma(FloatVector.fromArray(LF, x2, e + 8 * k), t2);
                        t3 = qf.fma(FloatVector.fromArray(LF, x3, e + 8 * k), t3);
                    }
                }
                int j = 8 * sb + half;
                s0 = t0.fma(FloatVector.broadcast(LF, sc * a0.scales[j]), s0);
                s1 = t1.fma(FloatVector.broadcast(LF, sc * a1.scales[j]), s1);
                s2 = t2.fma(FloatVector.broadcast(LF, sc * a2.scales[j]), s2);
                s3 = t3.fma(FloatVector.broadcast(LF, sc * a3.scales[j]), s3);
            }
            FloatVector d = FloatVector.broadcast(LF, Bytes.f16(w, b));
            acc0 = s0.fma(d, acc0);
            acc1 = s1.fma(d, acc1);
            acc2 = s2.fma(d, acc2);
            acc3 = s3.fma(d, acc3);
            FloatVector dmin = FloatVector.broadcast(M, Bytes.f16(w, b + 2));
            FloatVector m = mins(w, b);
            mins0 = m.mul(FloatVector.fromArray(M, a0.sums, 8 * sb)).mul(FloatVector.fromArray(M, a0.scales, 8 * sb)).fma(dmin, mins0);
            mins1 = m.mul(FloatVector.fromArray(M, a1.sums, 8 * sb)).mul(FloatVector.fromArray(M, a1.scales, 8 * sb)).fma(dmin, mins1);
            mins2 = m.mul(FloatVector.fromArray(M, a2.sums, 8 * sb)).mul(FloatVector.fromArray(M, a2.scales, 8 * sb)).fma(dmin, mins2);
            mins3 = m.mul(FloatVector.fromArray(M, a3.sums, 8 * sb)).mul(FloatVector.fromArray(M, a3.scales, 8 * sb)).fma(dmin, mins3);
        }
        acc0.intoArray(stored, 0);
        acc1.intoArray(stored, LL);
        acc2.intoArray(stored, 2 * LL);
        acc3.intoArray(stored, 3 * LL);
        mins0.intoArray(stored, 4 * LL);
        mins1.intoArray(stored, 4 * LL + 8);
        mins2.intoArray(stored, 4 * LL + 16);
        mins3.intoArray(stored, 4 * LL + 24);
        for (int k = 0; k < 4; k++) out[k] = VectorMath.laneSum(stored, k * LL, LL) - VectorMath.laneSum(stored, 4 * LL + 8 * k, 8);
    }

    /**
     * Q6_K against four tokens, as {@link #q6_k}: each row's fields are masked and widened once for all four,
     * and each exact lane sum goes into the super-block sum in the same order, so each token equals its
     * single dot.
     */
    private static void q6_kx4(MemorySegment w, long off, Activation a0, Activation a1, Activation a2, Activation a3,
                               float[] out, float[] stored) {
        float[] x0 = a0.lanes, x1 = a1.lanes, x2 = a2.lanes, x3 = a3.lanes;
        FloatVector acc0 = FloatVector.zero(LF), acc1 = FloatVector.zero(LF), acc2 = FloatVector.zero(LF), acc3 = FloatVector.zero(LF);
        FloatVector off0 = FloatVector.zero(M), off1 = FloatVector.zero(M), off2 = FloatVector.zero(M), off3 = FloatVector.zero(M);
        for (int sb = 0; sb < a0.n / 256; sb++) {
            long b = off + 210L * sb;
            int e0 = 256 * sb;
            FloatVector s0 = FloatVector.zero(LF), s1 = FloatVector.zero(LF), s2 = FloatVector.zero(LF), s3 = FloatVector.zero(LF);
            FloatVector o0 = FloatVector.zero(M), o1 = FloatVector.zero(M), o2 = FloatVector.zero(M), o3 = FloatVector.zero(M);
            for (int h = 0; h < 2; h++) {
                long scales = w.get(Bytes.LONG, b + 192 + 8 * h);
                for (int r = 0; r < 4; r++) {
                    float first = (byte) (scales >>> (16 * r)), second = (byte) (scales >>> (16 * r + 8));
                    int j = 8 * sb + 4 * h + r;
                    for (int i = 0; i < 8; i += LL) {
                        // q6Fields and q6Scales written out: this kernel reaches C2's inlining cutoff before them, and a
                        // vector returned from a call that is not inlined is boxed and built in the Java fallback
                        IntVector low = IntVector.fromMemorySegment(LI, w, b + 64 * h + 32 * (r & 1) + 4 * i, LE);
                        IntVector qh = IntVector.fromMemorySegment(LI, w, b + 128 + 32 * h + 4 * i, LE);
                        if (r >= 2) low = low.lanewise(VectorOperators.LSHR, 4);
                        IntVector high = r == 0 ? qh.lanewise(VectorOperators.LSHL, 4) : r == 1 ? qh.lanewise(VectorOperators.LSHL, 2)
                                : r == 2 ? qh : qh.lanewise(VectorOperators.LSHR, 2);
                        IntVector q = low.and(0x0F0F0F0F).or(high.and(0x30303030));
                        int e = e0 + 128 * h + 32 * r + i;
                        FloatVector t0 = FloatVector.zero(LF), t1 = FloatVector.zero(LF), t2 = FloatVector.zero(LF), t3 = FloatVector.zero(LF);
                        for (int k = 0; k < 4; k++) {
                            FloatVector qf = (FloatVector) q.and(0x3F << (8 * k)).convert(VectorOperators.I2F, 0);
                            t0 = qf.fma(FloatVector.fromArray(LF, x0, e + 8 * k), t0);
                            t1 = qf.fma(FloatVector.fromArray(LF, x1, e + 8 * k), t1);
                            t2 = qf.fma(FloatVector.fromArray(LF, x2, e + 8 * k), t2);
                            t3 = qf.fma(FloatVector.fromArray(LF, x3, e + 8 * k), t3);
                        }
                        FloatVector sc = i == 0 ? FloatVector.broadcast(LF, first).blend(second, SECOND_SIXTEEN) : FloatVector.broadcast(LF, second);
                        s0 = t0.fma(sc.mul(a0.scales[j]), s0);
                        s1 = t1.fma(sc.mul(a1.scales[j]), s1);
                        s2 = t2.fma(sc.mul(a2.scales[j]), s2);
                        s3 = t3.fma(sc.mul(a3.scales[j]), s3);
                    }
                }
                FloatVector groupScales = (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_64, w, b + 192 + 8 * h, LE).convertShape(VectorOperators.B2F, M, 0);
                int g = 16 * sb + 8 * h;
                o0 = groupScales.fma(FloatVector.fromArray(M, a0.scaledSums16, g), o0);
                o1 = groupScales.fma(FloatVector.fromArray(M, a1.scaledSums16, g), o1);
                o2 = groupScales.fma(FloatVector.fromArray(M, a2.scaledSums16, g), o2);
                o3 = groupScales.fma(FloatVector.fromArray(M, a3.scaledSums16, g), o3);
            }
            float dw = Bytes.f16(w, b + 208);
            FloatVector d = FloatVector.broadcast(LF, dw);
            FloatVector d32 = FloatVector.broadcast(M, 32 * dw);
            acc0 = s0.fma(d, acc0);
            acc1 = s1.fma(d, acc1);
            acc2 = s2.fma(d, acc2);
            acc3 = s3.fma(d, acc3);
            off0 = o0.fma(d32, off0);
            off1 = o1.fma(d32, off1);
            off2 = o2.fma(d32, off2);
            off3 = o3.fma(d32, off3);
        }
        acc0.intoArray(stored, 0);
        acc1.intoArray(stored, LL);
        acc2.intoArray(stored, 2 * LL);
        acc3.intoArray(stored, 3 * LL);
        off0.intoArray(stored, 4 * LL);
        off1.intoArray(stored, 4 * LL + 8);
        off2.intoArray(stored, 4 * LL + 16);
        off3.intoArray(stored, 4 * LL + 24);
        for (int k = 0; k < 4; k++) out[k] = VectorMath.laneSum(stored, k * LL, LL) - VectorMath.laneSum(stored, 4 * LL + 8 * k, 8);
    }

    private static float f32(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.values;
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i <= a.n - FL; i += FL) {
            acc = FloatVector.fromMemorySegment(F, w, off + 4L * i, LE).fma(FloatVector.fromArray(F, x, i), acc);
        }
        acc.intoArray(stored, 0);
        float sum = VectorMath.laneSum(stored, 0, FL);
        for (; i < a.n; i++) sum += Bytes.f32(w, off + 4L * i) * x[i];
        return sum;
    }

    /** bf16 is the top half of a float: widen to int lanes, shift up, reinterpret. */
    private static float bf16(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.values;
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i <= a.n - FL; i += FL) {
            ShortVector h = ShortVector.fromMemorySegment(S, w, off + 2L * i, LE);
            IntVector bits = ((IntVector) h.convertShape(VectorOperators.ZERO_EXTEND_S2I, I, 0)).lanewise(VectorOperators.LSHL, 16);
            FloatVector v = (FloatVector) bits.reinterpretShape(F, 0);
            acc = v.fma(FloatVector.fromArray(F, x, i), acc);
        }
        acc.intoArray(stored, 0);
        float sum = VectorMath.laneSum(stored, 0, FL);
        for (; i < a.n; i++) sum += Bytes.bf16(w, off + 2L * i) * x[i];
        return sum;
    }

    /**
     * f16 to float in lanes: magnitude bits shifted into a float's place and scaled by 2^112 (exact for
     * normal and subnormal halves), sign put back; halves with an all-ones exponent (inf, NaN) get an
     * all-ones float exponent instead.
     */
    private static float f16(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.values;
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i <= a.n - FL; i += FL) {
            ShortVector h = ShortVector.fromMemorySegment(S, w, off + 2L * i, LE);
            IntVector bits = (IntVector) h.convertShape(VectorOperators.ZERO_EXTEND_S2I, I, 0);
            IntVector magnitude = bits.and(0x7FFF).lanewise(VectorOperators.LSHL, 13);
            IntVector sign = bits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector finite = ((FloatVector) magnitude.reinterpretShape(F, 0)).mul(0x1p112f);
            IntVector scaled = (IntVector) finite.reinterpretShape(I, 0);
            VectorMask<Integer> special = bits.and(0x7C00).compare(VectorOperators.EQ, 0x7C00);
            IntVector merged = scaled.blend(magnitude.or(0x7F800000), special).or(sign);
            acc = ((FloatVector) merged.reinterpretShape(F, 0)).fma(FloatVector.fromArray(F, x, i), acc);
        }
        acc.intoArray(stored, 0);
        float sum = VectorMath.laneSum(stored, 0, FL);
        for (; i < a.n; i++) sum += Bytes.f16(w, off + 2L * i) * x[i];
        return sum;
    }

    /** Per block the exact lane sum of q·qa, then one FMA by d·da into the row's accumulator. */
    private static float q8_0(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.values, xs = a.scales;
        FloatVector acc0 = FloatVector.zero(F);
        for (int blk = 0; blk < a.n / 32; blk++) {
            long b = off + 34L * blk;
            int e0 = 32 * blk;
            FloatVector sum = FloatVector.zero(F);
            for (int j = 0; j < 32; j += BL) {
                ByteVector q = ByteVector.fromMemorySegment(B, w, b + 2 + j, LE);
                for (int p = 0; p < P; p++) {
                    FloatVector qf = (FloatVector) q.convertShape(VectorOperators.B2F, F, p);
                    sum = qf.fma(FloatVector.fromArray(F, x, e0 + j + p * FL), sum);
                }
            }
            acc0 = sum.fma(FloatVector.broadcast(F, Bytes.f16(w, b) * xs[blk]), acc0);
        }
        acc0.intoArray(stored, 0);
        return VectorMath.laneSum(stored, 0, FL);
    }

    /**
     * As {@link #q8_0}, nibbles offset by −8 as bytes before widening (lane sums stay exact). One lane sum
     * takes both nibble halves and blocks alternate between two accumulators: three FMAs per 32 elements at
     * 512 bits instead of four with separate low/high sums, 0.046 -> 0.038-0.042 ns/element. (The same
     * alternation measured no better for Q8_0.) The high nibbles are shifted down in int lanes, as every
     * nibble type here does: the mask drops what crosses a byte either way, and a short-lane shift of the
     * 16-byte load ran 0.090 against 0.082 ns/element (AVX-512 Xeon VM, 4096 columns in L2, one JVM).
     */
    private static float q4_0(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.values, xs = a.scales;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        for (int blk = 0; blk < a.n / 32; blk++) {
            long b = off + 18L * blk;
            int e0 = 32 * blk;
            FloatVector sum = FloatVector.zero(F);
            for (int j = 0; j < 16; j += BL) {
                ByteVector q = ByteVector.fromMemorySegment(B, w, b + 2 + j, LE);
                ByteVector lo = q.and((byte) 0x0F).sub((byte) 8);
                ByteVector hi = q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).sub((byte) 8);
                for (int p = 0; p < P; p++) {
                    int e = e0 + j + p * FL;
                    sum = ((FloatVector) lo.convertShape(VectorOperators.B2F, F, p)).fma(FloatVector.fromArray(F, x, e), sum);
                    sum = ((FloatVector) hi.convertShape(VectorOperators.B2F, F, p)).fma(FloatVector.fromArray(F, x, e + 16), sum);
                }
            }
            FloatVector scale = FloatVector.broadcast(F, Bytes.f16(w, b) * xs[blk]);
            if ((blk & 1) == 0) acc0 = sum.fma(scale, acc0);
            else acc1 = sum.fma(scale, acc1);
        }
        acc0.add(acc1).intoArray(stored, 0);
        return VectorMath.laneSum(stored, 0, FL);
    }

    /** As {@link #q8_0}, the int8 weights being the levels ({@link Iq4Levels}) the block's 4-bit codes index. */
    private static float iq4_nl(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.values, xs = a.scales;
        FloatVector acc = FloatVector.zero(F);
        for (int blk = 0; blk < a.n / 32; blk++) {
            long b = off + 18L * blk;
            FloatVector sum = levels32(w, b + 2, x, 32 * blk);
            acc = sum.fma(FloatVector.broadcast(F, Bytes.f16(w, b) * xs[blk]), acc);
        }
        acc.intoArray(stored, 0);
        return VectorMath.laneSum(stored, 0, FL);
    }

    /**
     * Against Q8_K activations (one scale per 256, as the reference): per sub-block of 32 the exact lane sum of
     * level·qa as {@link #iq4_nl}, times (scale − 32) into the super-block sum in sub-block order, then ·d·da.
     * The super-block sum stays an exact integer at 256 bits and wider (per lane at most 8 · 32 · 4 · 127² <
     * 2^24); 128-bit lanes hold twice as many products and round only in near-saturated blocks. The eight
     * 6-bit scales come from one short and one int.
     */
    private static float iq4_xs(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.values, xs = a.scales;
        FloatVector acc = FloatVector.zero(F);
        for (int sb = 0; sb < a.n / 256; sb++) {
            long b = off + 136L * sb;
            int high = w.get(Bytes.SHORT, b + 2), low = w.get(Bytes.INT, b + 4);
            FloatVector s = FloatVector.zero(F);
            for (int g = 0; g < 8; g++) {
                int scale = Iq4Levels.xsScale(high, low, g);
                FloatVector sum = levels32(w, b + 8 + 16 * g, x, 256 * sb + 32 * g);
                s = sum.fma(FloatVector.broadcast(F, scale), s);
            }
            acc = s.fma(FloatVector.broadcast(F, Bytes.f16(w, b) * xs[sb]), acc);
        }
        acc.intoArray(stored, 0);
        return VectorMath.laneSum(stored, 0, FL);
    }

    /**
     * {@link #iq4_xs} at 16 int lanes: a 64-byte load holds four sub-blocks' codes, two of them at a time in
     * one vector ({@link #IQ4_PAIR_FIRST}), where each byte's code picks its level by an int lane shuffle
     * ({@code selectFrom} a table of 16 floats, AVX-512F's vpermd, which wraps the index to its low four bits:
     * the code, without a mask of ours) from a table scaled to the slot's power of two. The pair's first
     * sub-block's scale on lanes 0–7, its second's on 8–15. The super-block sum stays an exact integer (per
     * lane at most 4 · 4 · 32 · 127² < 2^24). On a 2-core Xeon with AVX-512 (2026-12-02), 4096 columns in
     * L2: 0.209–0.306 → 0.153–0.216 ns/element.
     */
    private static float iq4_xs16(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.lanes16, xs = a.scales;
        FloatVector acc = FloatVector.zero(F16);
        for (int sb = 0; sb < a.n / 256; sb++) {
            long b = off + 136L * sb;
            int high = w.get(Bytes.SHORT, b + 2), low = w.get(Bytes.INT, b + 4);
            FloatVector s = FloatVector.zero(F16);
            for (int four = 0; four < 2; four++) {
                IntVector codes = IntVector.fromMemorySegment(I16, w, b + 8 + 64 * four, LE);
                for (int pair = 0; pair < 2; pair++) {
                    IntVector q = codes.rearrange(pair == 0 ? IQ4_PAIR_FIRST : IQ4_PAIR_SECOND).lanewise(VectorOperators.LSHR, IQ4_HIGH_NIBBLES);
                    int e = 256 * sb + 128 * four + 64 * pair, j = 4 * four + 2 * pair;
                    FloatVector l0 = q.selectFrom(IQ4_LEVELS0).reinterpretAsFloats();
                    FloatVector l1 = q.lanewise(VectorOperators.LSHR, 8).selectFrom(IQ4_LEVELS1).reinterpretAsFloats();
                    FloatVector l2 = q.lanewise(VectorOperators.LSHR, 16).selectFrom(IQ4_LEVELS2).reinterpretAsFloats();
                    FloatVector l3 = q.lanewise(VectorOperators.LSHR, 24).selectFrom(IQ4_LEVELS3).reinterpretAsFloats();
                    FloatVector sc = FloatVector.broadcast(F16, Iq4Levels.xsScale(high, low, j)).blend(Iq4Levels.xsScale(high, low, j + 1), UPPER_EIGHT);
                    FloatVector t = l0.mul(FloatVector.fromArray(F16, x, e));
                    t = l1.fma(FloatVector.fromArray(F16, x, e + 16), t);
                    t = l2.fma(FloatVector.fromArray(F16, x, e + 32), t);
                    s = l3.fma(FloatVector.fromArray(F16, x, e + 48), t).fma(sc, s);
                }
            }
            acc = s.fma(FloatVector.broadcast(F16, Bytes.f16(w, b) * xs[sb]), acc);
        }
        acc.intoArray(stored, 0);
        return VectorMath.laneSum16(stored, 0);
    }

    /**
     * {@link #iq4_xs16} for four tokens: each code's levels picked once, every token's sums in the single dot's
     * order (written out: through a helper method taking the vectors, C2 boxed them and this ran 3.5× slower
     * than four single dots).
     */
    private static void iq4_xs16x4(MemorySegment w, long off, Activation a0, Activation a1, Activation a2, Activation a3,
                                   float[] out, float[] stored) {
        float[] x0 = a0.lanes16, x1 = a1.lanes16, x2 = a2.lanes16, x3 = a3.lanes16;
        FloatVector acc0 = FloatVector.zero(F16), acc1 = FloatVector.zero(F16), acc2 = FloatVector.zero(F16), acc3 = FloatVector.zero(F16);
        for (int sb = 0; sb < a0.n / 256; sb++) {
            long b = off + 136L * sb;
            int high = w.get(Bytes.SHORT, b + 2), low = w.get(Bytes.INT, b + 4);
            FloatVector s0 = FloatVector.zero(F16), s1 = FloatVector.zero(F16), s2 = FloatVector.zero(F16), s3 = FloatVector.zero(F16);
            for (int four = 0; four < 2; four++) {
                IntVector codes = IntVector.fromMemorySegment(I16, w, b + 8 + 64 * four, LE);
                for (int pair = 0; pair < 2; pair++) {
                    IntVector q = codes.rearrange(pair == 0 ? IQ4_PAIR_FIRST : IQ4_PAIR_SECOND).lanewise(VectorOperators.LSHR, IQ4_HIGH_NIBBLES);
                    int e = 256 * sb + 128 * four + 64 * pair, j = 4 * four + 2 * pair;
                    FloatVector l0 = q.selectFrom(IQ4_LEVELS0).reinterpretAsFloats();
                    FloatVector l1 = q.lanewise(VectorOperators.LSHR, 8).selectFrom(IQ4_LEVELS1).reinterpretAsFloats();
                    FloatVector l2 = q.lanewise(VectorOperators.LSHR, 16).selectFrom(IQ4_LEVELS2).reinterpretAsFloats();
                    FloatVector l3 = q.lanewise(VectorOperators.LSHR, 24).selectFrom(IQ4_LEVELS3).reinterpretAsFloats();
                    FloatVector sc = FloatVector.broadcast(F16, Iq4Levels.xsScale(high, low, j)).blend(Iq4Levels.xsScale(high, low, j + 1), UPPER_EIGHT);
                    FloatVector t0 = l0.mul(FloatVector.fromArray(F16, x0, e));
                    t0 = l1.fma(FloatVector.fromArray(F16, x0, e + 16), t0);
                    t0 = l2.fma(FloatVector.fromArray(F16, x0, e + 32), t0);
                    s0 = l3.fma(FloatVector.fromArray(F16, x0, e + 48), t0).fma(sc, s0);
                    FloatVector t1 = l0.mul(FloatVector.fromArray(F16, x1, e));
                    t1 = l1.fma(FloatVector.fromArray(F16, x1, e + 16), t1);
                    t1 = l2.fma(FloatVector.fromArray(F16, x1, e + 32), t1);
                    s1 = l3.fma(FloatVector.fromArray(F16, x1, e + 48), t1).fma(sc, s1);
                    FloatVector t2 = l0.mul(FloatVector.fromArray(F16, x2, e));
                    t2 = l1.fma(FloatVector.fromArray(F16, x2, e + 16), t2);
                    t2 = l2.fma(FloatVector.fromArray(F16, x2, e + 32), t2);
                    s2 = l3.fma(FloatVector.fromArray(F16, x2, e + 48), t2).fma(sc, s2);
                    FloatVector t3 = l0.mul(FloatVector.fromArray(F16, x3, e));
                    t3 = l1.fma(FloatVector.fromArray(F16, x3, e + 16), t3);
                    t3 = l2.fma(FloatVector.fromArray(F16, x3, e + 32), t3);
                    s3 = l3.fma(FloatVector.fromArray(F16, x3, e + 48), t3).fma(sc, s3);
                }
            }
            float d = Bytes.f16(w, b);
            acc0 = s0.fma(FloatVector.broadcast(F16, d * a0.scales[sb]), acc0);
            acc1 = s1.fma(FloatVector.broadcast(F16, d * a1.scales[sb]), acc1);
            acc2 = s2.fma(FloatVector.broadcast(F16, d * a2.scales[sb]), acc2);
            acc3 = s3.fma(FloatVector.broadcast(F16, d * a3.scales[sb]), acc3);
        }
        acc0.intoArray(stored, 0);
        acc1.intoArray(stored, 16);
        acc2.intoArray(stored, 32);
        acc3.intoArray(stored, 48);
        for (int k = 0; k < 4; k++) out[k] = VectorMath.laneSum16(stored, 16 * k);
    }

    /**
     * Σ level(code)·x (exact: int8 levels times int8 quants) in lanes, over the 32 codes of the 16 bytes at
     * {@code b}: low nibbles for elements e.., high nibbles for e + 16... One byte shuffle ({@code selectFrom}
     * the 16 levels) turns 16 codes into their levels.
     */
    private static FloatVector levels32(MemorySegment w, long b, float[] x, int e) {
        ByteVector q = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, b, LE);
        ByteVector lo = q.and((byte) 0x0F).selectFrom(Iq4Levels.VECTOR);
        ByteVector hi = q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).selectFrom(Iq4Levels.VECTOR);
        FloatVector sum = FloatVector.zero(F);
        for (int p = 0; p < 16 / FL; p++) {
            sum = ((FloatVector) lo.convertShape(VectorOperators.B2F, F, p)).fma(FloatVector.fromArray(F, x, e + p * FL), sum);
            sum = ((FloatVector) hi.convertShape(VectorOperators.B2F, F, p)).fma(FloatVector.fromArray(F, x, e + 16 + p * FL), sum);
        }
        return sum;
    }

    /** x = d·q + m: the min term is m·da·Σqa per block, from the activation's block sums. */
    private static float q4_1(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.values, xs = a.scales, sums = a.sums;
        FloatVector acc = FloatVector.zero(F);
        float mins = 0;
        for (int blk = 0; blk < a.n / 32; blk++) {
            long b = off + 20L * blk;
            int e0 = 32 * blk;
            FloatVector sum = FloatVector.zero(F);
            for (int j = 0; j < 16; j += BL) {
                ByteVector q = ByteVector.fromMemorySegment(B, w, b + 4 + j, LE);
                ByteVector lo = q.and((byte) 0x0F);
                ByteVector hi = q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
                for (int p = 0; p < P; p++) {
                    int e = e0 + j + p * FL;
                    sum = ((FloatVector) lo.convertShape(VectorOperators.B2F, F, p)).fma(FloatVector.fromArray(F, x, e), sum);
                    sum = ((FloatVector) hi.convertShape(VectorOperators.B2F, F, p)).fma(FloatVector.fromArray(F, x, e + 16), sum);
                }
            }
            acc = sum.fma(FloatVector.broadcast(F, Bytes.f16(w, b) * xs[blk]), acc);
            mins += Bytes.f16(w, b + 2) * xs[blk] * sums[blk];
        }
        acc.intoArray(stored, 0);
        return VectorMath.laneSum(stored, 0, FL) + mins;
    }

    /** Fifth bits: bit j of the block's u32 goes to element j; spread to int lanes by a per-lane shift. */
    private static float q5_0(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.values, xs = a.scales;
        IntVector lane = IntVector.zero(I).addIndex(1);
        FloatVector acc = FloatVector.zero(F);
        for (int blk = 0; blk < a.n / 32; blk++) {
            long b = off + 22L * blk;
            int e0 = 32 * blk;
            IntVector high = IntVector.broadcast(I, Bytes.u32(w, b + 2));
            FloatVector sum = FloatVector.zero(F);
            for (int j = 0; j < 16; j += BL) {
                ByteVector q = ByteVector.fromMemorySegment(B, w, b + 6 + j, LE);
                ByteVector lo = q.and((byte) 0x0F);
                ByteVector hi = q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
                for (int p = 0; p < P; p++) {
                    int e = e0 + j + p * FL;
                    IntVector shift = lane.add(j + p * FL);
                    IntVector loBit = high.lanewise(VectorOperators.LSHR, shift).and(1).lanewise(VectorOperators.LSHL, 4);
                    IntVector hiBit = high.lanewise(VectorOperators.LSHR, shift.add(16)).and(1).lanewise(VectorOperators.LSHL, 4);
                    IntVector qlo = ((IntVector) lo.convertShape(VectorOperators.B2I, I, p)).or(loBit).sub(16);
                    IntVector qhi = ((IntVector) hi.convertShape(VectorOperators.B2I, I, p)).or(hiBit).sub(16);
                    sum = ((FloatVector) qlo.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F, x, e), sum);
                    sum = ((FloatVector) qhi.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F, x, e + 16), sum);
                }
            }
            acc = sum.fma(FloatVector.broadcast(F, Bytes.f16(w, b) * xs[blk]), acc);
        }
        acc.intoArray(stored, 0);
        return VectorMath.laneSum(stored, 0, FL);
    }

    private static float q5_1(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.values, xs = a.scales, sums = a.sums;
        IntVector lane = IntVector.zero(I).addIndex(1);
        FloatVector acc = FloatVector.zero(F);
        float mins = 0;
        for (int blk = 0; blk < a.n / 32; blk++) {
            long b = off + 24L * blk;
            int e0 = 32 * blk;
            IntVector high = IntVector.broadcast(I, Bytes.u32(w, b + 4));
            FloatVector sum = FloatVector.zero(F);
            for (int j = 0; j < 16; j += BL) {
                ByteVector q = ByteVector.fromMemorySegment(B, w, b + 8 + j, LE);
                ByteVector lo = q.and((byte) 0x0F);
                ByteVector hi = q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
                for (int p = 0; p < P; p++) {
                    int e = e0 + j + p * FL;
                    IntVector shift = lane.add(j + p * FL);
                    IntVector loBit = high.lanewise(VectorOperators.LSHR, shift).and(1).lanewise(VectorOperators.LSHL, 4);
                    IntVector hiBit = high.lanewise(VectorOperators.LSHR, shift.add(16)).and(1).lanewise(VectorOperators.LSHL, 4);
                    IntVector qlo = ((IntVector) lo.convertShape(VectorOperators.B2I, I, p)).or(loBit);
                    IntVector qhi = ((IntVector) hi.convertShape(VectorOperators.B2I, I, p)).or(hiBit);
                    sum = ((FloatVector) qlo.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F, x, e), sum);
                    sum = ((FloatVector) qhi.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F, x, e + 16), sum);
                }
            }
            acc = sum.fma(FloatVector.broadcast(F, Bytes.f16(w, b) * xs[blk]), acc);
            mins += Bytes.f16(w, b + 2) * xs[blk] * sums[blk];
        }
        acc.intoArray(stored, 0);
        return VectorMath.laneSum(stored, 0, FL) + mins;
    }

    /**
     * Q5_0 at 16 int lanes, two blocks at a time against {@link Activation#lanes16}: each block's 16 nibble bytes as
     * four bytes per int lane (low nibbles in lanes 0–3, high ones in 4–7, as {@link #iq4_xs16} places a pair), the
     * fifth bits put in above every nibble at once (lane i's four bits of the block's 32, spread to its bytes by
     * {@link #Q5_SPREAD}), then each byte masked in place. Lanes 0–7 take the first block's d·da, 8–15 the second's;
     * the −16·d offset goes through the activation's per-32 sums. The block sums stay exact integers (per lane
     * 4 · 31 · 127). Written out beside {@link #q5_116}: one method for both, block layout as parameters and the
     * offsets in a loop of their own, read 0.12 ns/element for Q5_0 against 0.095–0.106.
     */
    private static float q5_016(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.lanes16, xs = a.scales, sums = a.sums;
        FloatVector acc = FloatVector.zero(F16);
        float offsets = 0;
        for (int blk = 0; blk < a.n / 32; blk += 2) {
            long b0 = off + 22L * blk, b1 = b0 + 22;
            IntVector first = (IntVector) IntVector.fromMemorySegment(IntVector.SPECIES_128, w, b0 + 6, LE).reinterpretShape(I16, 0);
            IntVector second = (IntVector) IntVector.fromMemorySegment(IntVector.SPECIES_128, w, b1 + 6, LE).reinterpretShape(I16, 0);
            IntVector nibbles = Q5_PAIR.selectFrom(first, second).lanewise(VectorOperators.LSHR, IQ4_HIGH_NIBBLES).and(0x0F0F0F0F);
            IntVector high = IntVector.broadcast(I16, Bytes.u32(w, b0 + 2)).blend(Bytes.u32(w, b1 + 2), UPPER_EIGHT_INTS);
            IntVector q = nibbles.or(high.lanewise(VectorOperators.LSHR, Q5_HIGH_SHIFTS).selectFrom(Q5_SPREAD));
            int e = 32 * blk;
            FloatVector t = ((FloatVector) q.and(0x1F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(F16, x, e));
            t = ((FloatVector) q.and(0x1F << 8).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F16, x, e + 16), t);
            t = ((FloatVector) q.and(0x1F << 16).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F16, x, e + 32), t);
            t = ((FloatVector) q.and(0x1F << 24).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F16, x, e + 48), t);
            float s0 = Bytes.f16(w, b0) * xs[blk], s1 = Bytes.f16(w, b1) * xs[blk + 1];
            acc = t.fma(FloatVector.broadcast(F16, s0).blend(s1, UPPER_EIGHT), acc);
            offsets += s0 * sums[blk] + s1 * sums[blk + 1];
        }
        acc.intoArray(stored, 0);
        return VectorMath.laneSum16(stored, 0) - 16 * offsets;
    }

    /**
     * {@link #q5_016} for Q5_1: the blocks' mins m instead of −16·d, summed in a loop of their own
     * ({@link #q5_1Mins}): read in the vector loop, their two f16 conversions were past C2's node cutoff for
     * inlining and became calls that spill the vectors (0.21 ns/element against 0.105 without them).
     */
    private static float q5_116(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.lanes16, xs = a.scales;
        FloatVector acc = FloatVector.zero(F16);
        for (int blk = 0; blk < a.n / 32; blk += 2) {
            long b0 = off + 24L * blk, b1 = b0 + 24;
            IntVector first = (IntVector) IntVector.fromMemorySegment(IntVector.SPECIES_128, w, b0 + 8, LE).reinterpretShape(I16, 0);
            IntVector second = (IntVector) IntVector.fromMemorySegment(IntVector.SPECIES_128, w, b1 + 8, LE).reinterpretShape(I16, 0);
            IntVector nibbles = Q5_PAIR.selectFrom(first, second).lanewise(VectorOperators.LSHR, IQ4_HIGH_NIBBLES).and(0x0F0F0F0F);
            IntVector high = IntVector.broadcast(I16, Bytes.u32(w, b0 + 4)).blend(Bytes.u32(w, b1 + 4), UPPER_EIGHT_INTS);
            IntVector q = nibbles.or(high.lanewise(VectorOperators.LSHR, Q5_HIGH_SHIFTS).selectFrom(Q5_SPREAD));
            int e = 32 * blk;
            FloatVector t = ((FloatVector) q.and(0x1F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(F16, x, e));
            t = ((FloatVector) q.and(0x1F << 8).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F16, x, e + 16), t);
            t = ((FloatVector) q.and(0x1F << 16).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F16, x, e + 32), t);
            t = ((FloatVector) q.and(0x1F << 24).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F16, x, e + 48), t);
            float s0 = Bytes.f16(w, b0) * xs[blk], s1 = Bytes.f16(w, b1) * xs[blk + 1];
            acc = t.fma(FloatVector.broadcast(F16, s0).blend(s1, UPPER_EIGHT), acc);
        }
        acc.intoArray(stored, 0);
        return VectorMath.laneSum16(stored, 0) + q5_1Mins(w, off, a);
    }

    /**
     * A Q5_0/Q5_1 block's four ints of nibbles twice, in eight lanes, the second copy's lanes to be shifted down to
     * its high nibbles ({@link #HIGH_NIBBLE_LANES}), so that byte k of lane i holds element 4i + k; lane i's fifth
     * bits are bits 4i..4i+3 of the block's u32 ({@link #FIFTH_BIT_SHIFTS}). Shared with {@link DenseTiles}.
     */
    static final VectorShuffle<Integer> NIBBLE_INTS_TWICE = VectorShuffle.fromValues(IntVector.SPECIES_256, 0, 1, 2, 3, 0, 1, 2, 3);
    static final IntVector HIGH_NIBBLE_LANES = IntVector.fromArray(IntVector.SPECIES_256, new int[] {0, 0, 0, 0, 4, 4, 4, 4}, 0);
    static final IntVector FIFTH_BIT_SHIFTS = IntVector.fromArray(IntVector.SPECIES_256, new int[] {0, 4, 8, 12, 16, 20, 24, 28}, 0);

    /**
     * {@link #q5_016} at 8 int lanes (256-bit machines), one block per step against {@link Activation#lanes}: lane
     * i's four fifth bits go to bit 4 of its bytes by one multiply (t·0x204081 copies bit j of t to bit 8j, with no
     * overlaps to carry) where eight lanes have no 16-entry table to pick from.
     */
    private static float q5_08(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.lanes, xs = a.scales, sums = a.sums;
        FloatVector acc = FloatVector.zero(LF);
        float offsets = 0;
        for (int blk = 0; blk < a.n / 32; blk++) {
            long b = off + 22L * blk;
            IntVector four = (IntVector) IntVector.fromMemorySegment(IntVector.SPECIES_128, w, b + 6, LE).reinterpretShape(LI, 0);
            IntVector nibbles = four.rearrange(NIBBLE_INTS_TWICE).lanewise(VectorOperators.LSHR, HIGH_NIBBLE_LANES).and(0x0F0F0F0F);
            IntVector fifth = IntVector.broadcast(LI, Bytes.u32(w, b + 2)).lanewise(VectorOperators.LSHR, FIFTH_BIT_SHIFTS)
                    .and(15).mul(0x204081).and(0x01010101).lanewise(VectorOperators.LSHL, 4);
            IntVector q = nibbles.or(fifth);
            int e = 32 * blk;
            FloatVector t = ((FloatVector) q.and(0x1F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(LF, x, e));
            t = ((FloatVector) q.and(0x1F << 8).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(LF, x, e + 8), t);
            t = ((FloatVector) q.and(0x1F << 16).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(LF, x, e + 16), t);
            t = ((FloatVector) q.and(0x1F << 24).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(LF, x, e + 24), t);
            float scale = Bytes.f16(w, b) * xs[blk];
            acc = t.fma(FloatVector.broadcast(LF, scale), acc);
            offsets += scale * sums[blk];
        }
        acc.intoArray(stored, 0);
        return VectorMath.laneSum(stored, 0, LL) - 16 * offsets;
    }

    /** {@link #q5_08} for Q5_1, the mins summed apart as {@link #q5_116} sums them. */
    private static float q5_18(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.lanes, xs = a.scales;
        FloatVector acc = FloatVector.zero(LF);
        for (int blk = 0; blk < a.n / 32; blk++) {
            long b = off + 24L * blk;
            IntVector four = (IntVector) IntVector.fromMemorySegment(IntVector.SPECIES_128, w, b + 8, LE).reinterpretShape(LI, 0);
            IntVector nibbles = four.rearrange(NIBBLE_INTS_TWICE).lanewise(VectorOperators.LSHR, HIGH_NIBBLE_LANES).and(0x0F0F0F0F);
            IntVector fifth = IntVector.broadcast(LI, Bytes.u32(w, b + 4)).lanewise(VectorOperators.LSHR, FIFTH_BIT_SHIFTS)
                    .and(15).mul(0x204081).and(0x01010101).lanewise(VectorOperators.LSHL, 4);
            IntVector q = nibbles.or(fifth);
            int e = 32 * blk;
            FloatVector t = ((FloatVector) q.and(0x1F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(LF, x, e));
            t = ((FloatVector) q.and(0x1F << 8).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(LF, x, e + 8), t);
            t = ((FloatVector) q.and(0x1F << 16).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(LF, x, e + 16), t);
            t = ((FloatVector) q.and(0x1F << 24).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(LF, x, e + 24), t);
            acc = t.fma(FloatVector.broadcast(LF, Bytes.f16(w, b) * xs[blk]), acc);
        }
        acc.intoArray(stored, 0);
        return VectorMath.laneSum(stored, 0, LL) + q5_1Mins(w, off, a);
    }

    /** Σ m·da·Σqa over a Q5_1 row's blocks: the min term. */
    private static float q5_1Mins(MemorySegment w, long off, Activation a) {
        float mins = 0;
        for (int blk = 0; blk < a.n / 32; blk++) mins += Bytes.f16(w, off + 24L * blk + 2) * a.scales[blk] * a.sums[blk];
        return mins;
    }

    /**
     * Per super-block: Σ_g sc_g·(q·qa) in lanes, one accumulator per 32-element row k of a half (as in
     * {@link #q6_k}), then ·d·da; the mins (high nibbles of the 16 scale bytes) from the per-16 sums.
     */
    /**
     * Q2_K four bytes per int lane against {@link Activation#lanes}: field k (bits 2k..2k+1) of every byte
     * masked in place, the lanes of the first and second 16 elements scaled by their own 4-bit scales; the
     * min term from the per-16 activation sums.
     */
    private static float q2_k(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.lanes, xs = a.scales, sums = a.sums;
        FloatVector acc = FloatVector.zero(LF);
        float mins = 0;
        for (int sb = 0; sb < a.n / 256; sb++) {
            long b = off + 84L * sb;
            int e0 = 256 * sb;
            FloatVector s = FloatVector.zero(LF);
            for (int h = 0; h < 2; h++) {
                long scales = w.get(Bytes.LONG, b + 8 * h);
                for (int i = 0; i < 8; i += LL) {
                    IntVector q = IntVector.fromMemorySegment(LI, w, b + 16 + 32 * h + 4 * i, LE);
                    for (int k = 0; k < 4; k++) {
                        IntVector v = q.lanewise(VectorOperators.LSHR, 2 * k);
                        int e = e0 + 128 * h + 32 * k + i;
                        FloatVector t = FloatVector.zero(LF);
                        for (int j = 0; j < 4; j++) {
                            t = ((FloatVector) v.and(0x03 << (8 * j)).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(LF, x, e + 8 * j), t);
                        }
                        int g = 2 * k;
                        s = t.fma(q6Scales((scales >>> (8 * g)) & 0xF, (scales >>> (8 * g + 8)) & 0xF, i), s);
                    }
                }
            }
            int minDot = 0;
            for (int g = 0; g < 16; g++) minDot += (Bytes.u8(w, b + g) >>> 4) * (int) sums[16 * sb + g];
            acc = s.fma(FloatVector.broadcast(LF, Bytes.f16(w, b + 80) * xs[sb]), acc);
            mins += Bytes.f16(w, b + 82) * xs[sb] * minDot;
        }
        acc.intoArray(stored, 0);
        return VectorMath.laneSum(stored, 0, LL) - mins;
    }

    /**
     * As {@link #q2_k}; the high bit (bit 4h + k of the hmask byte) is moved to bit 2 with one 16-bit shift
     * and a mask (left for the two fields below bit 2), lifting the 2-bit part by 4; the 16 6-bit scales
     * come from one long and one int.
     */
    /**
     * Q3_K four bytes per int lane against {@link Activation#lanes}: for half h and field k, bits 2k..2k+1 of
     * each low-part byte and bit 4h + k of its high-bit byte are put together in place (three bits at the
     * byte's bottom, times 2^8j), the −4 offset taken off per byte, and the lanes of the first and second 16
     * elements scaled by their own 6-bit scales.
     */
    private static float q3_k(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.lanes, xs = a.scales;
        FloatVector acc = FloatVector.zero(LF);
        for (int sb = 0; sb < a.n / 256; sb++) {
            long b = off + 110L * sb;
            int e0 = 256 * sb;
            long low = w.get(Bytes.LONG, b + 96);
            int high = w.get(Bytes.INT, b + 104);
            FloatVector s = FloatVector.zero(LF);
            for (int h = 0; h < 2; h++) {
                for (int i = 0; i < 8; i += LL) {
                    IntVector q = IntVector.fromMemorySegment(LI, w, b + 32 + 32 * h + 4 * i, LE);
                    IntVector hm = IntVector.fromMemorySegment(LI, w, b + 4 * i, LE);
                    for (int k = 0; k < 4; k++) {
                        IntVector v = q.lanewise(VectorOperators.LSHR, 2 * k).and(0x03030303)
                                .or(hm.lanewise(VectorOperators.LSHR, 4 * h + k).and(0x01010101).lanewise(VectorOperators.LSHL, 2));
                        int e = e0 + 128 * h + 32 * k + i;
                        FloatVector t = FloatVector.zero(LF);
                        for (int j = 0; j < 4; j++) {
                            t = ((FloatVector) v.and(0x07 << (8 * j)).sub(4 << (8 * j)).convert(VectorOperators.I2F, 0))
                                    .fma(FloatVector.fromArray(LF, x, e + 8 * j), t);
                        }
                        int g = 8 * h + 2 * k;
                        s = t.fma(q6Scales(KScales.q3Scale(low, high, g), KScales.q3Scale(low, high, g + 1), i), s);
                    }
                }
            }
            acc = s.fma(FloatVector.broadcast(LF, Bytes.f16(w, b + 108) * xs[sb]), acc);
        }
        acc.intoArray(stored, 0);
        return VectorMath.laneSum(stored, 0, LL);
    }

    /**
     * Four weight bytes per int lane, masked in place ({@link Activation#lanes} undoes the byte's weight): per
     * 32-byte chunk the low nibbles are sub-block 2c and the high ones (the lanes shifted down by 4) 2c + 1.
     * Per sub-block the exact lane sum goes into one super-block sum, scaled by sc_j·da_j (the activation
     * scale is per 32, like the sub-block scale), in sub-block order; then ·d. The (scale, min) pairs are
     * unpacked four at a time ({@link KScales}); the min term runs in 8-lane vectors (mins × the
     * activation's per-32 sums × their scales). Masking bytes in int lanes costs one instruction per eight
     * elements at full width, where 8-byte vectors widened to floats cost three (0.19-0.27 → 0.12 ns/element
     * on one AVX2 core).
     */
    private static float q4_k(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.lanes, xs = a.scales, sums = a.sums;
        FloatVector acc = FloatVector.zero(LF);
        FloatVector mins = FloatVector.zero(M);
        for (int sb = 0; sb < a.n / 256; sb++) {
            long b = off + 144L * sb;
            int e0 = 256 * sb;
            long packed = w.get(Bytes.LONG, b + 4);
            int packedHigh = w.get(Bytes.INT, b + 12);
            int scales03 = KScales.scales0to3(packed), scales47 = KScales.scales4to7(packed, packedHigh);
            FloatVector s = FloatVector.zero(LF);
            for (int c = 0; c < 4; c++) {
                FloatVector lo = FloatVector.zero(LF), hi = FloatVector.zero(LF);
                for (int i = 0; i < 8; i += LL) {
                    IntVector q = IntVector.fromMemorySegment(LI, w, b + 16 + 32 * c + 4 * i, LE);
                    IntVector qh = q.lanewise(VectorOperators.LSHR, 4);
                    int e = e0 + 64 * c + i;
                    for (int k = 0; k < 4; k++) {
                        lo = ((FloatVector) q.and(0x0F << (8 * k)).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(LF, x, e + 8 * k), lo);
                        hi = ((FloatVector) qh.and(0x0F << (8 * k)).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(LF, x, e + 32 + 8 * k), hi);
                    }
                }
                int scales = c < 2 ? scales03 : scales47;
                int shift = 16 * (c & 1);
                int j = 8 * sb + 2 * c;
                s = lo.fma(FloatVector.broadcast(LF, ((scales >>> shift) & 0xFF) * xs[j]), s);
                s = hi.fma(FloatVector.broadcast(LF, ((scales >>> (shift + 8)) & 0xFF) * xs[j + 1]), s);
            }
            acc = s.fma(FloatVector.broadcast(LF, Bytes.f16(w, b)), acc);
            FloatVector m = mins(w, b);
            mins = m.mul(FloatVector.fromArray(M, sums, 8 * sb)).mul(FloatVector.fromArray(M, xs, 8 * sb)).fma(FloatVector.broadcast(M, Bytes.f16(w, b + 2)), mins);
        }
        acc.intoArray(stored, 0);
        mins.intoArray(stored, LL);
        return VectorMath.laneSum(stored, 0, LL) - VectorMath.laneSum(stored, LL, 8);
    }

    /** As Q4_K, with each nibble's fifth bit from the 32 qh bytes (bit g of byte l for element 32·g + l). */
    /**
     * Q5_K as {@link #q4_k} reads Q4_K, four bytes per int lane against {@link Activation#lanes}: each byte's
     * fifth bit (bit g of high-bit byte l, for element 32g + l) is moved in above its nibble before the
     * fields are masked in place.
     */
    private static float q5_k(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.lanes, xs = a.scales, sums = a.sums;
        FloatVector acc = FloatVector.zero(LF);
        FloatVector mins = FloatVector.zero(M);
        for (int sb = 0; sb < a.n / 256; sb++) {
            long b = off + 176L * sb;
            int e0 = 256 * sb;
            long packed = w.get(Bytes.LONG, b + 4);
            int packedHigh = w.get(Bytes.INT, b + 12);
            int scales03 = KScales.scales0to3(packed), scales47 = KScales.scales4to7(packed, packedHigh);
            FloatVector s = FloatVector.zero(LF);
            for (int c = 0; c < 4; c++) {
                FloatVector lo = FloatVector.zero(LF), hi = FloatVector.zero(LF);
                for (int i = 0; i < 8; i += LL) {
                    IntVector q = IntVector.fromMemorySegment(LI, w, b + 48 + 32 * c + 4 * i, LE);
                    IntVector h = IntVector.fromMemorySegment(LI, w, b + 16 + 4 * i, LE);
                    IntVector low = q.and(0x0F0F0F0F).or(h.lanewise(VectorOperators.LSHR, 2 * c).and(0x01010101).lanewise(VectorOperators.LSHL, 4));
                    IntVector high = q.lanewise(VectorOperators.LSHR, 4).and(0x0F0F0F0F)
                            .or(h.lanewise(VectorOperators.LSHR, 2 * c + 1).and(0x01010101).lanewise(VectorOperators.LSHL, 4));
                    int e = e0 + 64 * c + i;
                    for (int k = 0; k < 4; k++) {
                        lo = ((FloatVector) low.and(0x1F << (8 * k)).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(LF, x, e + 8 * k), lo);
                        hi = ((FloatVector) high.and(0x1F << (8 * k)).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(LF, x, e + 32 + 8 * k), hi);
                    }
                }
                int scales = c < 2 ? scales03 : scales47;
                int shift = 16 * (c & 1);
                int j = 8 * sb + 2 * c;
                s = lo.fma(FloatVector.broadcast(LF, ((scales >>> shift) & 0xFF) * xs[j]), s);
                s = hi.fma(FloatVector.broadcast(LF, ((scales >>> (shift + 8)) & 0xFF) * xs[j + 1]), s);
            }
            acc = s.fma(FloatVector.broadcast(LF, Bytes.f16(w, b)), acc);
            FloatVector m = mins(w, b);
            mins = m.mul(FloatVector.fromArray(M, sums, 8 * sb)).mul(FloatVector.fromArray(M, xs, 8 * sb)).fma(FloatVector.broadcast(M, Bytes.f16(w, b + 2)), mins);
        }
        acc.intoArray(stored, 0);
        mins.intoArray(stored, LL);
        return VectorMath.laneSum(stored, 0, LL) - VectorMath.laneSum(stored, LL, 8);
    }

    /**
     * Four weight bytes per int lane, as {@link #q4_k}. Per half (128 elements) the four 32-element rows r
     * (the activation's 32-blocks) each take their low four bits from the ql bytes (r = 0, 1: low nibbles of
     * the two 32-byte stripes; r = 2, 3: high nibbles) and bits 4–5 from the qh bytes (bits 2r, 2r + 1,
     * moved into place by one shift of the whole lane), combined for the four bytes at once, then masked per
     * byte and widened. Lanes 0–3 of a load hold the row's first 16 elements and lanes 4–7 the second, so
     * the exact lane sum is scaled by a vector of the two 16-element scales (times the row's activation
     * scale) and goes into the super-block sum in row order; then ·d. The −32 offset of every quant is one
     * term per super-block: 32·d·Σ_g sc_g·da·Σ_g qa over its 16 groups, from the activation's
     * {@link Activation#scaledSums16}, in 8-lane vectors.
     */
    private static float q6_k(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.lanes, xs = a.scales;
        FloatVector acc = FloatVector.zero(LF);
        FloatVector offsets = FloatVector.zero(M);
        for (int sb = 0; sb < a.n / 256; sb++) {
            long b = off + 210L * sb;
            int e0 = 256 * sb;
            FloatVector s = FloatVector.zero(LF);
            FloatVector o = FloatVector.zero(M);
            for (int h = 0; h < 2; h++) {
                long scales = w.get(Bytes.LONG, b + 192 + 8 * h);
                for (int r = 0; r < 4; r++) {
                    float first = (byte) (scales >>> (16 * r)), second = (byte) (scales >>> (16 * r + 8));
                    float da = xs[8 * sb + 4 * h + r];
                    for (int i = 0; i < 8; i += LL) {
                        IntVector q = q6Fields(w, b, h, r, i);
                        int e = e0 + 128 * h + 32 * r + i;
                        FloatVector t = FloatVector.zero(LF);
                        for (int k = 0; k < 4; k++) {
                            t = ((FloatVector) q.and(0x3F << (8 * k)).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(LF, x, e + 8 * k), t);
                        }
                        FloatVector sc = q6Scales(first, second, i);
                        s = t.fma(sc.mul(da), s);
                    }
                }
                FloatVector groupScales = (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_64, w, b + 192 + 8 * h, LE).convertShape(VectorOperators.B2F, M, 0);
                o = groupScales.fma(FloatVector.fromArray(M, a.scaledSums16, 16 * sb + 8 * h), o);
            }
            float d = Bytes.f16(w, b + 208);
            acc = s.fma(FloatVector.broadcast(LF, d), acc);
            offsets = o.fma(FloatVector.broadcast(M, 32 * d), offsets);
        }
        acc.intoArray(stored, 0);
        offsets.intoArray(stored, LL);
        return VectorMath.laneSum(stored, 0, LL) - VectorMath.laneSum(stored, LL, 8);
    }

    /**
     * {@link #q2_k} at 16 int lanes: a half's 32 qs bytes in both halves of a vector, shifted to 2-bit fields
     * k and k + 1 (two consecutive 32-element groups) against {@link Activation#lanes16}; the 16 group scales
     * are one vector per super-block, spread four lanes each as in {@link #q6_k16}.
     */
    private static float q2_k16(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.lanes16, xs = a.scales, sums = a.sums;
        FloatVector acc = FloatVector.zero(F16);
        float mins = 0;
        for (int sb = 0; sb < a.n / 256; sb++) {
            long b = off + 84L * sb;
            int e0 = 256 * sb;
            FloatVector groupScales = (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, b, LE).and((byte) 0x0F).convertShape(VectorOperators.B2F, F16, 0);
            IntVector qsBoth = IntVector.fromMemorySegment(I16, w, b + 16, LE);
            FloatVector s = FloatVector.zero(F16);
            for (int h = 0; h < 2; h++) {
                IntVector qs = qsBoth.rearrange(h == 0 ? FIRST_TWICE : SECOND_TWICE);
                for (int pair = 0; pair < 2; pair++) {
                    IntVector v = qs.lanewise(VectorOperators.LSHR, pair == 0 ? FIELDS01 : FIELDS23);
                    int e = e0 + 128 * h + 64 * pair;
                    FloatVector t = FloatVector.zero(F16);
                    for (int j = 0; j < 4; j++) {
                        t = ((FloatVector) v.and(0x03 << (8 * j)).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F16, x, e + 16 * j), t);
                    }
                    s = t.fma(groupScales.rearrange(Q6_GROUPS[2 * h + pair]), s);
                }
            }
            int minDot = 0;
            for (int g = 0; g < 16; g++) minDot += (Bytes.u8(w, b + g) >>> 4) * (int) sums[16 * sb + g];
            acc = s.fma(FloatVector.broadcast(F16, Bytes.f16(w, b + 80) * xs[sb]), acc);
            mins += Bytes.f16(w, b + 82) * xs[sb] * minDot;
        }
        acc.intoArray(stored, 0);
        return VectorMath.laneSum16(stored, 0) - mins;
    }

    /**
     * {@link #q3_k} at 16 int lanes, as {@link #q2_k16}, the high bits from the 32 hmask bytes in both halves
     * of a vector (the second shifted by one more); the 16 signed group scales are one vector per super-block.
     */
    private static float q3_k16(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.lanes16, xs = a.scales;
        FloatVector acc = FloatVector.zero(F16);
        for (int sb = 0; sb < a.n / 256; sb++) {
            long b = off + 110L * sb;
            int e0 = 256 * sb;
            long low = w.get(Bytes.LONG, b + 96);
            int high = w.get(Bytes.INT, b + 104);
            FloatVector groupScales = q3Scales16(low, high);
            IntVector hm = IntVector.fromMemorySegment(I16, w, b, LE).rearrange(FIRST_TWICE).lanewise(VectorOperators.LSHR, HIGH_NIBBLES_NEXT_BIT);
            IntVector qsBoth = IntVector.fromMemorySegment(I16, w, b + 32, LE);
            FloatVector s = FloatVector.zero(F16);
            for (int h = 0; h < 2; h++) {
                IntVector qs = qsBoth.rearrange(h == 0 ? FIRST_TWICE : SECOND_TWICE);
                for (int pair = 0; pair < 2; pair++) {
                    IntVector v = qs.lanewise(VectorOperators.LSHR, pair == 0 ? FIELDS01 : FIELDS23).and(0x03030303)
                            .or(hm.lanewise(VectorOperators.LSHR, 4 * h + 2 * pair).and(0x01010101).lanewise(VectorOperators.LSHL, 2));
                    int e = e0 + 128 * h + 64 * pair;
                    FloatVector t = FloatVector.zero(F16);
                    for (int j = 0; j < 4; j++) {
                        t = ((FloatVector) v.and(0x07 << (8 * j)).sub(4 << (8 * j)).convert(VectorOperators.I2F, 0))
                                .fma(FloatVector.fromArray(F16, x, e + 16 * j), t);
                    }
                    s = t.fma(groupScales.rearrange(Q6_GROUPS[2 * h + pair]), s);
                }
            }
            acc = s.fma(FloatVector.broadcast(F16, Bytes.f16(w, b + 108) * xs[sb]), acc);
        }
        acc.intoArray(stored, 0);
        return VectorMath.laneSum16(stored, 0);
    }

    /**
     * {@link KScales#q3Scale} of all 16 groups as one vector: lane i shifts its low nibble out of byte i & 7
     * of the low long (a half of it per int) and its top two bits out of the high int, each by a per-lane shift.
     */
    private static FloatVector q3Scales16(long low, int high) {
        IntVector lowBits = IntVector.broadcast(I16, (int) low).blend((int) (low >>> 32), Q3_UPPER_WORD).lanewise(VectorOperators.LSHR, Q3_LOW_SHIFTS).and(0xF);
        IntVector highBits = IntVector.broadcast(I16, high).lanewise(VectorOperators.LSHR, Q3_HIGH_SHIFTS).and(3);
        return (FloatVector) lowBits.or(highBits.lanewise(VectorOperators.LSHL, 4)).sub(32).convert(VectorOperators.I2F, 0);
    }

    /**
     * {@link #q4_k} at 16 int lanes: each 32-byte chunk in both halves of a 512-bit vector, the second half
     * shifted down a nibble, so one mask per byte gives the chunk's 32 low-nibble and 32 high-nibble
     * elements at once against {@link Activation#lanes16} (lanes 0–7 take sub-block 2c's scale, 8–15 those
     * of 2c + 1). On a 2-core Xeon with AVX-512 (2026-12-02), 4096 columns in L2: 0.088 → 0.069 ns/element.
     */
    private static float q4_k16(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.lanes16, xs = a.scales, sums = a.sums;
        FloatVector acc = FloatVector.zero(F16);
        FloatVector mins = FloatVector.zero(M);
        for (int sb = 0; sb < a.n / 256; sb++) {
            long b = off + 144L * sb;
            int e0 = 256 * sb;
            long packed = w.get(Bytes.LONG, b + 4);
            int packedHigh = w.get(Bytes.INT, b + 12);
            int scales03 = KScales.scales0to3(packed), scales47 = KScales.scales4to7(packed, packedHigh);
            FloatVector s = FloatVector.zero(F16);
            for (int pair = 0; pair < 2; pair++) {
                IntVector chunks = IntVector.fromMemorySegment(I16, w, b + 16 + 64 * pair, LE);
                int scales = pair == 0 ? scales03 : scales47;
                for (int half = 0; half < 2; half++) {
                    IntVector q = chunks.rearrange(half == 0 ? FIRST_TWICE : SECOND_TWICE).lanewise(VectorOperators.LSHR, HIGH_NIBBLES_ABOVE);
                    int e = e0 + 128 * pair + 64 * half;
                    FloatVector t = FloatVector.zero(F16);
                    for (int k = 0; k < 4; k++) {
                        t = ((FloatVector) q.and(0x0F << (8 * k)).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F16, x, e + 16 * k), t);
                    }
                    int j = 8 * sb + 4 * pair + 2 * half, shift = 16 * half;
                    FloatVector sc = FloatVector.broadcast(F16, ((scales >>> shift) & 0xFF) * xs[j]).blend(((scales >>> (shift + 8)) & 0xFF) * xs[j + 1], UPPER_EIGHT);
                    s = t.fma(sc, s);
                }
            }
            acc = s.fma(FloatVector.broadcast(F16, Bytes.f16(w, b)), acc);
            FloatVector m = mins(w, b);
            mins = m.mul(FloatVector.fromArray(M, sums, 8 * sb)).mul(FloatVector.fromArray(M, xs, 8 * sb)).fma(FloatVector.broadcast(M, Bytes.f16(w, b + 2)), mins);
        }
        acc.intoArray(stored, 0);
        mins.intoArray(stored, 16);
        return VectorMath.laneSum16(stored, 0) - VectorMath.laneSum8(stored, 16);
    }

    /**
     * {@link #q5_k} at 16 int lanes, as {@link #q4_k16}: the 32 qh bytes in both halves of a vector, the
     * second half shifted by one, so that chunk c's fifth bits are bit 2c of every byte in both. (One method
     * for both behind a flag made Q5_K run in the Java fallback, 12 ns per element: its qh vector, null for
     * Q4_K, is boxed.)
     */
    private static float q5_k16(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.lanes16, xs = a.scales, sums = a.sums;
        FloatVector acc = FloatVector.zero(F16);
        FloatVector mins = FloatVector.zero(M);
        for (int sb = 0; sb < a.n / 256; sb++) {
            long b = off + 176L * sb;
            int e0 = 256 * sb;
            long packed = w.get(Bytes.LONG, b + 4);
            int packedHigh = w.get(Bytes.INT, b + 12);
            int scales03 = KScales.scales0to3(packed), scales47 = KScales.scales4to7(packed, packedHigh);
            IntVector fifth = IntVector.fromMemorySegment(I16, w, b + 16, LE).rearrange(FIRST_TWICE).lanewise(VectorOperators.LSHR, HIGH_NIBBLES_NEXT_BIT);
            FloatVector s = FloatVector.zero(F16);
            for (int pair = 0; pair < 2; pair++) {
                IntVector chunks = IntVector.fromMemorySegment(I16, w, b + 48 + 64 * pair, LE);
                int scales = pair == 0 ? scales03 : scales47;
                for (int half = 0; half < 2; half++) {
                    int c = 2 * pair + half;
                    IntVector q = chunks.rearrange(half == 0 ? FIRST_TWICE : SECOND_TWICE).lanewise(VectorOperators.LSHR, HIGH_NIBBLES_ABOVE)
                            .and(0x0F0F0F0F).or(fifth.lanewise(VectorOperators.LSHR, 2 * c).and(0x01010101).lanewise(VectorOperators.LSHL, 4));
                    int e = e0 + 64 * c;
                    FloatVector t = FloatVector.zero(F16);
                    for (int k = 0; k < 4; k++) {
                        t = ((FloatVector) q.and(0x1F << (8 * k)).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F16, x, e + 16 * k), t);
                    }
                    int j = 8 * sb + 2 * c, shift = 16 * half;
                    FloatVector sc = FloatVector.broadcast(F16, ((scales >>> shift) & 0xFF) * xs[j]).blend(((scales >>> (shift + 8)) & 0xFF) * xs[j + 1], UPPER_EIGHT);
                    s = t.fma(sc, s);
                }
            }
            acc = s.fma(FloatVector.broadcast(F16, Bytes.f16(w, b)), acc);
            FloatVector m = mins(w, b);
            mins = m.mul(FloatVector.fromArray(M, sums, 8 * sb)).mul(FloatVector.fromArray(M, xs, 8 * sb)).fma(FloatVector.broadcast(M, Bytes.f16(w, b + 2)), mins);
        }
        acc.intoArray(stored, 0);
        mins.intoArray(stored, 16);
        return VectorMath.laneSum16(stored, 0) - VectorMath.laneSum8(stored, 16);
    }

    /**
     * {@link #q6_k} at 16 int lanes: a half's 64 ql bytes are one load whose halves are its rows 0 and 1 (low
     * nibbles) or 2 and 3 (high nibbles), matching {@link Activation#lanes16}; its 32 qh bytes, in both halves
     * of a vector, give each row its bits 4–5 by a per-lane shift. The 16 group scales are one vector per
     * super-block, spread four lanes each over the 64 elements they cover.
     */
    private static float q6_k16(MemorySegment w, long off, Activation a, float[] stored) {
        float[] x = a.lanes16, xs = a.scales;
        FloatVector acc = FloatVector.zero(F16);
        FloatVector offsets = FloatVector.zero(F16);
        for (int sb = 0; sb < a.n / 256; sb++) {
            long b = off + 210L * sb;
            int e0 = 256 * sb;
            FloatVector groupScales = (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, b + 192, LE).convertShape(VectorOperators.B2F, F16, 0);
            IntVector qhBoth = IntVector.fromMemorySegment(I16, w, b + 128, LE);
            FloatVector s = FloatVector.zero(F16);
            for (int h = 0; h < 2; h++) {
                IntVector ql = IntVector.fromMemorySegment(I16, w, b + 64 * h, LE);
                IntVector qh = qhBoth.rearrange(h == 0 ? FIRST_TWICE : SECOND_TWICE);
                for (int rows = 0; rows < 2; rows++) {
                    IntVector low = rows == 0 ? ql : ql.lanewise(VectorOperators.LSHR, 4);
                    IntVector high = rows == 0 ? qh.lanewise(VectorOperators.LSHL, Q6_ROWS01_LEFT) : qh.lanewise(VectorOperators.LSHR, Q6_ROWS23_RIGHT);
                    IntVector q = low.and(0x0F0F0F0F).or(high.and(0x30303030));
                    int e = e0 + 128 * h + 64 * rows;
                    FloatVector t = FloatVector.zero(F16);
                    for (int k = 0; k < 4; k++) {
                        t = ((FloatVector) q.and(0x3F << (8 * k)).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F16, x, e + 16 * k), t);
                    }
                    int j = 8 * sb + 4 * h + 2 * rows;
                    FloatVector sc = groupScales.rearrange(Q6_GROUPS[2 * h + rows]).mul(FloatVector.broadcast(F16, xs[j]).blend(xs[j + 1], UPPER_EIGHT));
                    s = t.fma(sc, s);
                }
            }
            float d = Bytes.f16(w, b + 208);
            acc = s.fma(FloatVector.broadcast(F16, d), acc);
            offsets = groupScales.mul(FloatVector.fromArray(F16, a.scaledSums16, 16 * sb)).fma(FloatVector.broadcast(F16, 32 * d), offsets);
        }
        acc.intoArray(stored, 0);
        offsets.intoArray(stored, 16);
        return VectorMath.laneSum16(stored, 0) - VectorMath.laneSum16(stored, 16);
    }

    /** {@link #q4_k16} against four tokens: each chunk masked and widened once for all four, in the same order. */
    private static void q4_k16x4(MemorySegment w, long off, Activation a0, Activation a1, Activation a2, Activation a3,
                                 float[] out, float[] stored) {
        float[] x0 = a0.lanes16, x1 = a1.lanes16, x2 = a2.lanes16, x3 = a3.lanes16;
        FloatVector acc0 = FloatVector.zero(F16), acc1 = FloatVector.zero(F16), acc2 = FloatVector.zero(F16), acc3 = FloatVector.zero(F16);
        FloatVector mins0 = FloatVector.zero(M), mins1 = FloatVector.zero(M), mins2 = FloatVector.zero(M), mins3 = FloatVector.zero(M);
        for (int sb = 0; sb < a0.n / 256; sb++) {
            long b = off + 144L * sb;
            int e0 = 256 * sb;
            long packed = w.get(Bytes.LONG, b + 4);
            int packedHigh = w.get(Bytes.INT, b + 12);
            int scales03 = KScales.scales0to3(packed), scales47 = KScales.scales4to7(packed, packedHigh);
            FloatVector s0 = FloatVector.zero(F16), s1 = FloatVector.zero(F16), s2 = FloatVector.zero(F16), s3 = FloatVector.zero(F16);
            for (int pair = 0; pair < 2; pair++) {
                IntVector chunks = IntVector.fromMemorySegment(I16, w, b + 16 + 64 * pair, LE);
                int scales = pair == 0 ? scales03 : scales47;
                for (int half = 0; half < 2; half++) {
                    IntVector q = chunks.rearrange(half == 0 ? FIRST_TWICE : SECOND_TWICE).lanewise(VectorOperators.LSHR, HIGH_NIBBLES_ABOVE);
                    int e = e0 + 128 * pair + 64 * half;
                    FloatVector t0 = FloatVector.zero(F16), t1 = FloatVector.zero(F16), t2 = FloatVector.zero(F16), t3 = FloatVector.zero(F16);
                    for (int k = 0; k < 4; k++) {
                        FloatVector qf = (FloatVector) q.and(0x0F << (8 * k)).convert(VectorOperators.I2F, 0);
                        t0 = qf.fma(FloatVector.fromArray(F16, x0, e + 16 * k), t0);
                        t1 = qf.fma(FloatVector.fromArray(F16, x1, e + 16 * k), t1);
                        t2 = qf.fma(FloatVector.fromArray(F16, x2, e + 16 * k), t2);
                        t3 = qf.fma(FloatVector.fromArray(F16, x3, e + 16 * k), t3);
                    }
                    int j = 8 * sb + 4 * pair + 2 * half, shift = 16 * half;
                    int first = (scales >>> shift) & 0xFF, second = (scales >>> (shift + 8)) & 0xFF;
                    s0 = t0.fma(FloatVector.broadcast(F16, first * a0.scales[j]).blend(second * a0.scales[j + 1], UPPER_EIGHT), s0);
                    s1 = t1.fma(FloatVector.broadcast(F16, first * a1.scales[j]).blend(second * a1.scales[j + 1], UPPER_EIGHT), s1);
                    s2 = t2.fma(FloatVector.broadcast(F16, first * a2.scales[j]).blend(second * a2.scales[j + 1], UPPER_EIGHT), s2);
                    s3 = t3.fma(FloatVector.broadcast(F16, first * a3.scales[j]).blend(second * a3.scales[j + 1], UPPER_EIGHT), s3);
                }
            }
            FloatVector d = FloatVector.broadcast(F16, Bytes.f16(w, b));
            acc0 = s0.fma(d, acc0);
            acc1 = s1.fma(d, acc1);
            acc2 = s2.fma(d, acc2);
            acc3 = s3.fma(d, acc3);
            FloatVector dmin = FloatVector.broadcast(M, Bytes.f16(w, b + 2));
            FloatVector m = mins(w, b);
            mins0 = m.mul(FloatVector.fromArray(M, a0.sums, 8 * sb)).mul(FloatVector.fromArray(M, a0.scales, 8 * sb)).fma(dmin, mins0);
            mins1 = m.mul(FloatVector.fromArray(M, a1.sums, 8 * sb)).mul(FloatVector.fromArray(M, a1.scales, 8 * sb)).fma(dmin, mins1);
            mins2 = m.mul(FloatVector.fromArray(M, a2.sums, 8 * sb)).mul(FloatVector.fromArray(M, a2.scales, 8 * sb)).fma(dmin, mins2);
            mins3 = m.mul(FloatVector.fromArray(M, a3.sums, 8 * sb)).mul(FloatVector.fromArray(M, a3.scales, 8 * sb)).fma(dmin, mins3);
        }
        acc0.intoArray(stored, 0);
        acc1.intoArray(stored, 16);
        acc2.intoArray(stored, 32);
        acc3.intoArray(stored, 48);
        mins0.intoArray(stored, 64);
        mins1.intoArray(stored, 72);
        mins2.intoArray(stored, 80);
        mins3.intoArray(stored, 88);
        for (int k = 0; k < 4; k++) out[k] = VectorMath.laneSum16(stored, 16 * k) - VectorMath.laneSum8(stored, 64 + 8 * k);
    }

    /** {@link #q6_k16} against four tokens: each row pair's fields masked and widened once for all four, in the same order. */
    private static void q6_k16x4(MemorySegment w, long off, Activation a0, Activation a1, Activation a2, Activation a3,
                                 float[] out, float[] stored) {
        float[] x0 = a0.lanes16, x1 = a1.lanes16, x2 = a2.lanes16, x3 = a3.lanes16;
        FloatVector acc0 = FloatVector.zero(F16), acc1 = FloatVector.zero(F16), acc2 = FloatVector.zero(F16), acc3 = FloatVector.zero(F16);
        FloatVector off0 = FloatVector.zero(F16), off1 = FloatVector.zero(F16), off2 = FloatVector.zero(F16), off3 = FloatVector.zero(F16);
        for (int sb = 0; sb < a0.n / 256; sb++) {
            long b = off + 210L * sb;
            int e0 = 256 * sb;
            FloatVector groupScales = (FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, b + 192, LE).convertShape(VectorOperators.B2F, F16, 0);
            IntVector qhBoth = IntVector.fromMemorySegment(I16, w, b + 128, LE);
            FloatVector s0 = FloatVector.zero(F16), s1 = FloatVector.zero(F16), s2 = FloatVector.zero(F16), s3 = FloatVector.zero(F16);
            for (int h = 0; h < 2; h++) {
                IntVector ql = IntVector.fromMemorySegment(I16, w, b + 64 * h, LE);
                IntVector qh = qhBoth.rearrange(h == 0 ? FIRST_TWICE : SECOND_TWICE);
                for (int rows = 0; rows < 2; rows++) {
                    IntVector low = rows == 0 ? ql : ql.lanewise(VectorOperators.LSHR, 4);
                    IntVector high = rows == 0 ? qh.lanewise(VectorOperators.LSHL, Q6_ROWS01_LEFT) : qh.lanewise(VectorOperators.LSHR, Q6_ROWS23_RIGHT);
                    IntVector q = low.and(0x0F0F0F0F).or(high.and(0x30303030));
                    int e = e0 + 128 * h + 64 * rows;
                    FloatVector t0 = FloatVector.zero(F16), t1 = FloatVector.zero(F16), t2 = FloatVector.zero(F16), t3 = FloatVector.zero(F16);
                    for (int k = 0; k < 4; k++) {
                        FloatVector qf = (FloatVector) q.and(0x3F << (8 * k)).convert(VectorOperators.I2F, 0);
                        t0 = qf.fma(FloatVector.fromArray(F16, x0, e + 16 * k), t0);
                        t1 = qf.fma(FloatVector.fromArray(F16, x1, e + 16 * k), t1);
                        t2 = qf.fma(FloatVector.fromArray(F16, x2, e + 16 * k), t2);
                        t3 = qf.fma(FloatVector.fromArray(F16, x3, e + 16 * k), t3);
                    }
                    int j = 8 * sb + 4 * h + 2 * rows;
                    FloatVector sc = groupScales.rearrange(Q6_GROUPS[2 * h + rows]);
                    s0 = t0.fma(sc.mul(FloatVector.broadcast(F16, a0.scales[j]).blend(a0.scales[j + 1], UPPER_EIGHT)), s0);
                    s1 = t1.fma(sc.mul(FloatVector.broadcast(F16, a1.scales[j]).blend(a1.scales[j + 1], UPPER_EIGHT)), s1);
                    s2 = t2.fma(sc.mul(FloatVector.broadcast(F16, a2.scales[j]).blend(a2.scales[j + 1], UPPER_EIGHT)), s2);
                    s3 = t3.fma(sc.mul(FloatVector.broadcast(F16, a3.scales[j]).blend(a3.scales[j + 1], UPPER_EIGHT)), s3);
                }
            }
            float dw = Bytes.f16(w, b + 208);
            FloatVector d = FloatVector.broadcast(F16, dw), d32 = FloatVector.broadcast(F16, 32 * dw);
            acc0 = s0.fma(d, acc0);
            acc1 = s1.fma(d, acc1);
            acc2 = s2.fma(d, acc2);
            acc3 = s3.fma(d, acc3);
            int g = 16 * sb;
            off0 = groupScales.mul(FloatVector.fromArray(F16, a0.scaledSums16, g)).fma(d32, off0);
            off1 = groupScales.mul(FloatVector.fromArray(F16, a1.scaledSums16, g)).fma(d32, off1);
            off2 = groupScales.mul(FloatVector.fromArray(F16, a2.scaledSums16, g)).fma(d32, off2);
            off3 = groupScales.mul(FloatVector.fromArray(F16, a3.scaledSums16, g)).fma(d32, off3);
        }
        acc0.intoArray(stored, 0);
        acc1.intoArray(stored, 16);
        acc2.intoArray(stored, 32);
        acc3.intoArray(stored, 48);
        off0.intoArray(stored, 64);
        off1.intoArray(stored, 80);
        off2.intoArray(stored, 96);
        off3.intoArray(stored, 112);
        for (int k = 0; k < 4; k++) out[k] = VectorMath.laneSum16(stored, 16 * k) - VectorMath.laneSum16(stored, 64 + 16 * k);
    }

    /**
     * Q6_K row r of half h at int lane i of super-block {@code b}: four 6-bit fields per int lane (bytes
     * 4·i.. of the row's 32), the low four bits from the ql bytes (r = 0, 1: low nibbles of the two 32-byte
     * stripes; r = 2, 3: high nibbles) and bits 4–5 from the qh bytes (bits 2r, 2r + 1, moved into place by one
     * shift of the whole lane). The dots and {@link DenseTiles} mask byte k of each lane from here.
     */
    static IntVector q6Fields(MemorySegment w, long b, int h, int r, int i) {
        IntVector low = IntVector.fromMemorySegment(LI, w, b + 64 * h + 32 * (r & 1) + 4 * i, LE);
        IntVector qh = IntVector.fromMemorySegment(LI, w, b + 128 + 32 * h + 4 * i, LE);
        if (r >= 2) low = low.lanewise(VectorOperators.LSHR, 4);
        IntVector high = r == 0 ? qh.lanewise(VectorOperators.LSHL, 4) : r == 1 ? qh.lanewise(VectorOperators.LSHL, 2)
                : r == 2 ? qh : qh.lanewise(VectorOperators.LSHR, 2);
        return low.and(0x0F0F0F0F).or(high.and(0x30303030));
    }

    /**
     * The two 16-element scales of a Q6_K row for the lanes of its load at int lane i: lanes 0–3 of a full
     * 8-lane load hold the row's first 16 elements and lanes 4–7 the second; a 4-lane load holds one group.
     */
    static FloatVector q6Scales(float first, float second, int i) {
        return i == 0 ? FloatVector.broadcast(LF, first).blend(second, SECOND_SIXTEEN) : FloatVector.broadcast(LF, second);
    }

    /**
     * The eight 6-bit mins of a Q4_K/Q5_K super-block at {@code b} as floats ({@link KScales} layout): the
     * scale bytes 4–11 widened to int lanes; lanes 0–3 keep their low six bits, lanes 4–7 take their high
     * nibble and, as bits 4–5, the top two bits of lane j − 4. All at 256 bits (building the vector from the
     * unpacked long took the Vector API's slow path: a quarter of the decode time).
     */
    private static FloatVector mins(MemorySegment w, long b) {
        IntVector v = (IntVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_64, w, b + 8, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, IntVector.SPECIES_256, 0);
        IntVector high = v.lanewise(VectorOperators.LSHR, 4).or(v.rearrange(MINS_TOP_BITS).lanewise(VectorOperators.LSHR, 6).lanewise(VectorOperators.LSHL, 4));
        return (FloatVector) v.and(63).blend(high, MINS_UPPER).convert(VectorOperators.I2F, 0);
    }

    private static final VectorShuffle<Integer> MINS_TOP_BITS = VectorShuffle.fromValues(IntVector.SPECIES_256, 0, 0, 0, 0, 0, 1, 2, 3);
    private static final VectorMask<Integer> MINS_UPPER = VectorMask.fromLong(IntVector.SPECIES_256, 0xF0);
}
