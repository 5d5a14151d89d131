package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Products of a few weight rows with many tokens, for prompt batches: the rows are dequantized to floats
 * once, into a worker's scratch, and then multiplied with the tokens' dequantized activations
 * ({@link ActivationQuantizer#densify}) two rows by four tokens at a time: eight accumulators with lanes
 * along the row, so each load feeds two or four FMAs. The one-token dots widen every weight block again
 * for every token (at most four at a time); here it is done once per row and chunk, which is what makes
 * large batches compute-bound on the FMAs (one AVX2 core: a 2×4 tile ran at 45–55 GFLOP/s where the Q4_K
 * four-token dot ran at 18–23).
 *
 * <p>The values are those of the dots (the same int8 activations and scales), but rounded differently:
 * the dots sum exact integer products per block and scale once per block; here every product of two
 * floats rounds. Q4_K and Q6_K rows come out in {@link Activation#lanes} order (four bytes per int lane,
 * as their dots read them), the others in element order; the activation is densified in the same order.
 */
final class DenseTiles {
    private DenseTiles() {}

    private static final VectorSpecies<Float> F = RowDots.preferredSpecies();
    private static final int FL = F.length();
    /** The int-lane dequantizers run at the width of the dots that read the same bytes. */
    private static final VectorSpecies<Float> LF = VectorDot.LF;
    private static final VectorSpecies<Integer> LI = VectorDot.LI;
    private static final int LL = VectorDot.LL;
    private static final VectorSpecies<Byte> B8 = ByteVector.SPECIES_64;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final float[] BYTE_WEIGHT = {1f, 0x1p-8f, 0x1p-16f, 0x1p-24f};

    /**
     * Whether rows of {@code type} and length {@code n} are dequantized here (the others take the dots): every
     * type the scalar dequantizer reads, for rows of whole vectors. Q8_0, Q4_0 and the K types have vector
     * dequantizers; the rest (the _1 and Q5_0 types, F16, BF16) go through {@link ScalarDequant},
     * which costs a few ns per element once per chunk against their four-token dots' 5–9 GFLOP/s.
     */
    static boolean supports(GgmlType type, int n) {
        return ScalarDequant.supports(type) && n % Math.max(type.blockSize, FL) == 0;
    }

    /** Whether {@code type} dequantizes into {@link Activation#lanes} order (else element order). */
    static boolean laneOrder(GgmlType type) {
        return type == GgmlType.Q4_K || type == GgmlType.Q6_K;
    }

    /** Row {@code offset} of {@code w}, {@code n} elements of {@code type}, as floats into {@code out[o..]}. */
    static void dequantize(GgmlType type, MemorySegment w, long offset, int n, float[] out, int o) {
        RowCheck.check(type, w, offset, n);
        switch (type) {
            case F32 -> MemorySegment.copy(w, Bytes.FLOAT, offset, out, o, n);
            case Q8_0 -> q8_0(w, offset, n, out, o);
            case Q4_0 -> q4_0(w, offset, n, out, o);
            case Q4_K -> q4_k(w, offset, n, out, o);
            case Q2_K -> q2_k(w, offset, n, out, o);
            case Q3_K -> q3_k(w, offset, n, out, o);
            case Q5_K -> q5_k(w, offset, n, out, o);
            case Q6_K -> q6_k(w, offset, n, out, o);
            default -> ScalarDequant.row(type, w, offset, n, out, o);
        }
    }

    private static void q8_0(MemorySegment w, long off, int n, float[] out, int o) {
        for (int blk = 0; blk < n / 32; blk++) {
            long b = off + 34L * blk;
            FloatVector d = FloatVector.broadcast(LF, Bytes.f16(w, b));
            for (int j = 0; j < 32; j += 8) {
                ByteVector q = ByteVector.fromMemorySegment(B8, w, b + 2 + j, LE);
                for (int p = 0; p < 8; p += LL) {
                    ((FloatVector) q.convertShape(VectorOperators.B2F, LF, p / LL)).mul(d).intoArray(out, o + 32 * blk + j + p);
                }
            }
        }
    }

    private static void q4_0(MemorySegment w, long off, int n, float[] out, int o) {
        for (int blk = 0; blk < n / 32; blk++) {
            long b = off + 18L * blk;
            FloatVector d = FloatVector.broadcast(LF, Bytes.f16(w, b));
            for (int j = 0; j < 16; j += 8) {
                ByteVector q = ByteVector.fromMemorySegment(B8, w, b + 2 + j, LE);
                ByteVector lo = q.and((byte) 0x0F).sub((byte) 8);
                ByteVector hi = q.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).sub((byte) 8);
                for (int p = 0; p < 8; p += LL) {
                    int e = o + 32 * blk + j + p;
                    ((FloatVector) lo.convertShape(VectorOperators.B2F, LF, p / LL)).mul(d).intoArray(out, e);
                    ((FloatVector) hi.convertShape(VectorOperators.B2F, LF, p / LL)).mul(d).intoArray(out, e + 16);
                }
            }
        }
    }

    /** x = d·sc·q − dmin·m per sub-block, in lanes order: byte k of an int lane masked in place, its 2^8k folded into the scale. */
    private static void q4_k(MemorySegment w, long off, int n, float[] out, int o) {
        for (int sb = 0; sb < n / 256; sb++) {
            long b = off + 144L * sb;
            float d = Bytes.f16(w, b), dmin = Bytes.f16(w, b + 2);
            long packed = w.get(Bytes.LONG, b + 4);
            int packedHigh = w.get(Bytes.INT, b + 12);
            long scales = (KScales.scales0to3(packed) & 0xFFFFFFFFL) | ((long) KScales.scales4to7(packed, packedHigh) << 32);
            long mins = KScales.mins(packed, packedHigh);
            for (int j = 0; j < 8; j++) {
                // sub-block j: the low nibbles of chunk j/2 if j is even, the high ones if odd
                float scale = d * ((scales >>> (8 * j)) & 0xFF);
                FloatVector min = FloatVector.broadcast(LF, -dmin * ((mins >>> (8 * j)) & 0xFF));
                for (int i = 0; i < 8; i += LL) {
                    IntVector q = IntVector.fromMemorySegment(LI, w, b + 16 + 32 * (j >>> 1) + 4 * i, LE);
                    if ((j & 1) == 1) q = q.lanewise(VectorOperators.LSHR, 4);
                    int e = o + 256 * sb + 32 * j + i;
                    for (int k = 0; k < 4; k++) {
                        FloatVector v = (FloatVector) q.and(0x0F << (8 * k)).convert(VectorOperators.I2F, 0);
                        v.fma(FloatVector.broadcast(LF, scale * BYTE_WEIGHT[k]), min).intoArray(out, e + 8 * k);
                    }
                }
            }
        }
    }

    /** Part {@code part} of eight bytes widened to int lanes, as unsigned values. */
    private static IntVector unsigned(ByteVector bytes, int part) {
        return ((IntVector) bytes.convertShape(VectorOperators.B2I, LI, part)).and(0xFF);
    }

    /**
     * Q2_K in element order, x = d·sc·q − dmin·m per 16 elements: element 32k + l of half h is bits 2k..2k+1
     * of quant byte 32h + l; scale and min are the low and high nibbles of byte g.
     */
    private static void q2_k(MemorySegment w, long off, int n, float[] out, int o) {
        for (int sb = 0; sb < n / 256; sb++) {
            long b = off + 84L * sb;
            float d = Bytes.f16(w, b + 80), dmin = Bytes.f16(w, b + 82);
            for (int h = 0; h < 2; h++) {
                for (int k = 0; k < 4; k++) {
                    for (int l = 0; l < 32; l += 8) {
                        int g = 8 * h + 2 * k + l / 16, sm = Bytes.u8(w, b + g);
                        FloatVector scale = FloatVector.broadcast(LF, d * (sm & 0xF)), min = FloatVector.broadcast(LF, -dmin * (sm >>> 4));
                        ByteVector quants = ByteVector.fromMemorySegment(B8, w, b + 16 + 32 * h + l, LE);
                        for (int p = 0; p < 8; p += LL) {
                            IntVector q = unsigned(quants, p / LL)
                                    .lanewise(VectorOperators.LSHR, 2 * k).and(3);
                            ((FloatVector) q.convert(VectorOperators.I2F, 0)).fma(scale, min).intoArray(out, o + 256 * sb + 128 * h + 32 * k + l + p);
                        }
                    }
                }
            }
        }
    }

    /**
     * Q3_K in element order, x = d·sc·q per 16 elements: q = the 2-bit low part (as Q2_K) − 4, plus 4 where
     * bit 4h + k of high-bit byte l is set; the signed 6-bit scales from {@link KScales#q3Scale}.
     */
    private static void q3_k(MemorySegment w, long off, int n, float[] out, int o) {
        for (int sb = 0; sb < n / 256; sb++) {
            long b = off + 110L * sb;
            float d = Bytes.f16(w, b + 108);
            long scalesLow = w.get(Bytes.LONG, b + 96);
            int scalesHigh = w.get(Bytes.INT, b + 104);
            for (int h = 0; h < 2; h++) {
                for (int k = 0; k < 4; k++) {
                    for (int l = 0; l < 32; l += 8) {
                        int g = 8 * h + 2 * k + l / 16;
                        FloatVector scale = FloatVector.broadcast(LF, d * KScales.q3Scale(scalesLow, scalesHigh, g));
                        ByteVector lows = ByteVector.fromMemorySegment(B8, w, b + 32 + 32 * h + l, LE);
                        ByteVector highs = ByteVector.fromMemorySegment(B8, w, b + l, LE);
                        for (int p = 0; p < 8; p += LL) {
                            IntVector low = unsigned(lows, p / LL)
                                    .lanewise(VectorOperators.LSHR, 2 * k).and(3);
                            IntVector high = unsigned(highs, p / LL)
                                    .lanewise(VectorOperators.LSHR, 4 * h + k).and(1).lanewise(VectorOperators.LSHL, 2);
                            ((FloatVector) low.or(high).sub(4).convert(VectorOperators.I2F, 0)).mul(scale)
                                    .intoArray(out, o + 256 * sb + 128 * h + 32 * k + l + p);
                        }
                    }
                }
            }
        }
    }

    /**
     * x = d·sc·q − dmin·m per 32 elements, in element order: q's low four bits are Q4_K's nibbles (bytes 48..),
     * its fifth bit g of byte l of the 32 at 16 for element 32g + l.
     */
    private static void q5_k(MemorySegment w, long off, int n, float[] out, int o) {
        for (int sb = 0; sb < n / 256; sb++) {
            long b = off + 176L * sb;
            float d = Bytes.f16(w, b), dmin = Bytes.f16(w, b + 2);
            long packed = w.get(Bytes.LONG, b + 4);
            int packedHigh = w.get(Bytes.INT, b + 12);
            long scales = (KScales.scales0to3(packed) & 0xFFFFFFFFL) | ((long) KScales.scales4to7(packed, packedHigh) << 32);
            long mins = KScales.mins(packed, packedHigh);
            for (int g = 0; g < 8; g++) {
                FloatVector scale = FloatVector.broadcast(LF, d * ((scales >>> (8 * g)) & 0xFF));
                FloatVector min = FloatVector.broadcast(LF, -dmin * ((mins >>> (8 * g)) & 0xFF));
                for (int l = 0; l < 32; l += 8) {
                    ByteVector nibbles = ByteVector.fromMemorySegment(B8, w, b + 48 + 32 * (g >>> 1) + l, LE);
                    ByteVector fifth = ByteVector.fromMemorySegment(B8, w, b + 16 + l, LE);
                    for (int p = 0; p < 8; p += LL) {
                        IntVector q = unsigned(nibbles, p / LL);
                        q = (g & 1) == 0 ? q.and(0x0F) : q.lanewise(VectorOperators.LSHR, 4);
                        IntVector h = unsigned(fifth, p / LL)
                                .lanewise(VectorOperators.LSHR, g).and(1).lanewise(VectorOperators.LSHL, 4);
                        ((FloatVector) q.or(h).convert(VectorOperators.I2F, 0)).fma(scale, min).intoArray(out, o + 256 * sb + 32 * g + l + p);
                    }
                }
            }
        }
    }

    /** x = d·sc·(q − 32) per 16 elements, in lanes order, the fields put together as {@link VectorDot}'s Q6_K dot does. */
    private static void q6_k(MemorySegment w, long off, int n, float[] out, int o) {
        for (int sb = 0; sb < n / 256; sb++) {
            long b = off + 210L * sb;
            float d = Bytes.f16(w, b + 208);
            for (int h = 0; h < 2; h++) {
                long scales = w.get(Bytes.LONG, b + 192 + 8 * h);
                for (int r = 0; r < 4; r++) {
                    float first = d * (byte) (scales >>> (16 * r)), second = d * (byte) (scales >>> (16 * r + 8));
                    for (int i = 0; i < 8; i += LL) {
                        IntVector q = VectorDot.q6Fields(w, b, h, r, i);
                        FloatVector sc = VectorDot.q6Scales(first, second, i);
                        int e = o + 256 * sb + 128 * h + 32 * r + i;
                        for (int k = 0; k < 4; k++) {
                            FloatVector v = (FloatVector) q.and(0x3F << (8 * k)).sub(32 << (8 * k)).convert(VectorOperators.I2F, 0);
                            v.mul(sc.mul(BYTE_WEIGHT[k])).intoArray(out, e + 8 * k);
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code out[outBase[s] + first + i] = row i of wb · x[s]} for rows i below {@code count} (each {@code n}
     * floats, {@code wb[i·n ..]}) and slots s below {@code x.length}: four tokens at a time against pairs of
     * rows, the leftover tokens one at a time.
     */
    static void multiply(float[] wb, int count, int n, float[][] x, int[] outBase, int first, float[] out) {
        int slots = x.length;
        int s = 0;
        for (; s + 4 <= slots; s += 4) {
            int i = 0;
            for (; i + 2 <= count; i += 2) tile2x4(wb, i * n, (i + 1) * n, n, x[s], x[s + 1], x[s + 2], x[s + 3], out, outBase, s, first + i);
            if (i < count) tile1x4(wb, i * n, n, x[s], x[s + 1], x[s + 2], x[s + 3], out, outBase, s, first + i);
        }
        for (; s < slots; s++) {
            for (int i = 0; i < count; i++) out[outBase[s] + first + i] = tile1x1(wb, i * n, n, x[s]);
        }
    }

    private static void tile2x4(float[] wb, int w0, int w1, int n, float[] x0, float[] x1, float[] x2, float[] x3,
                                float[] out, int[] outBase, int s, int r) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F), c02 = FloatVector.zero(F), c03 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F), c12 = FloatVector.zero(F), c13 = FloatVector.zero(F);
        for (int k = 0; k < n; k += FL) {
            FloatVector a = FloatVector.fromArray(F, wb, w0 + k), b = FloatVector.fromArray(F, wb, w1 + k);
            FloatVector x = FloatVector.fromArray(F, x0, k);
            c00 = a.fma(x, c00);
            c10 = b.fma(x, c10);
            x = FloatVector.fromArray(F, x1, k);
            c01 = a.fma(x, c01);
            c11 = b.fma(x, c11);
            x = FloatVector.fromArray(F, x2, k);
            c02 = a.fma(x, c02);
            c12 = b.fma(x, c12);
            x = FloatVector.fromArray(F, x3, k);
            c03 = a.fma(x, c03);
            c13 = b.fma(x, c13);
        }
        out[outBase[s] + r] = VectorMath.laneSum(c00);
        out[outBase[s + 1] + r] = VectorMath.laneSum(c01);
        out[outBase[s + 2] + r] = VectorMath.laneSum(c02);
        out[outBase[s + 3] + r] = VectorMath.laneSum(c03);
        out[outBase[s] + r + 1] = VectorMath.laneSum(c10);
        out[outBase[s + 1] + r + 1] = VectorMath.laneSum(c11);
        out[outBase[s + 2] + r + 1] = VectorMath.laneSum(c12);
        out[outBase[s + 3] + r + 1] = VectorMath.laneSum(c13);
    }

    private static void tile1x4(float[] wb, int w0, int n, float[] x0, float[] x1, float[] x2, float[] x3,
                                float[] out, int[] outBase, int s, int r) {
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F), c3 = FloatVector.zero(F);
        for (int k = 0; k < n; k += FL) {
            FloatVector a = FloatVector.fromArray(F, wb, w0 + k);
            c0 = a.fma(FloatVector.fromArray(F, x0, k), c0);
            c1 = a.fma(FloatVector.fromArray(F, x1, k), c1);
            c2 = a.fma(FloatVector.fromArray(F, x2, k), c2);
            c3 = a.fma(FloatVector.fromArray(F, x3, k), c3);
        }
        out[outBase[s] + r] = VectorMath.laneSum(c0);
        out[outBase[s + 1] + r] = VectorMath.laneSum(c1);
        out[outBase[s + 2] + r] = VectorMath.laneSum(c2);
        out[outBase[s + 3] + r] = VectorMath.laneSum(c3);
    }

    private static float tile1x1(float[] wb, int w0, int n, float[] x) {
        FloatVector c = FloatVector.zero(F);
        for (int k = 0; k < n; k += FL) c = FloatVector.fromArray(F, wb, w0 + k).fma(FloatVector.fromArray(F, x, k), c);
        return VectorMath.laneSum(c);
    }
}
