package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Products of a few weight rows with many tokens, for prompt batches: the rows are dequantized to floats
 * once, into a worker's scratch, and multiplied with the tokens' dequantized activations
 * ({@link Activation#dense}), transposed once per call into panels of {@link #PANEL} tokens.
 * A tile is {@link #TILE} rows (four, or ten on AVX-512) by a panel: two accumulators per row with lanes
 * along the tokens, each weight broadcast once for two FMAs, no horizontal sums. The one-token dots widen
 * every weight block again for every token (at most four at a time); here it is done once per row and chunk, which makes large batches
 * compute-bound on the FMAs. One AVX2 core, 24 rows by 64 tokens of 512 columns, in one run (2026-12-01): the 6×16
 * tile 83.9 GFLOP/s, 82% of the FMAs' peak in registers ({@link FmaPeak}: 102.8), the earlier 2×4 tile
 * with lanes along the row (eight horizontal sums per tile) 58.6; the Q4_K four-token dot runs at 18–23.
 *
 * <p>The values are those of the dots (the same int8 activations and scales), but rounded differently:
 * the dots sum exact integer products per block and scale once per block; here every product of two
 * floats rounds, summed in column order. Rows and activations are in element order, so a prompt's
 * activations need none of the permuted copies the one-token dots read ({@link Activation#lanes}).
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

    /**
     * Whether rows of {@code type} and length {@code n} are dequantized here (the others take the dots): every
     * type the scalar dequantizer reads, for rows of whole vectors. Q8_0, Q4_0, Q4_1, Q5_0, Q5_1 (at 256 bits and up),
     * BF16, the K types and the IQ4 types have vector dequantizers; the rest (F16) go through {@link ScalarDequant},
     * which costs a few ns per element once per chunk against their four-token dots' 5–9 GFLOP/s.
     */
    static boolean supports(GgmlType type, int n) {
        return ScalarDequant.supports(type) && n % Math.max(type.blockSize, FL) == 0;
    }

    /** Row {@code offset} of {@code w}, {@code n} elements of {@code type}, as floats into {@code out[o..]}. */
    static void dequantize(GgmlType type, MemorySegment w, long offset, int n, float[] out, int o) {
        RowCheck.check(type, w, offset, n);
        switch (type) {
            case F32 -> MemorySegment.copy(w, Bytes.FLOAT, offset, out, o, n);
            case Q8_0 -> q8_0(w, offset, n, out, o);
            case Q4_0 -> q4_0(w, offset, n, out, o);
            case Q4_1 -> q4_1(w, offset, n, out, o);
            case BF16 -> bf16(w, offset, n, out, o);
            case Q5_0, Q5_1 -> {
                if (LL == 8) q5(w, offset, n, out, o, type == GgmlType.Q5_1);
                else ScalarDequant.row(type, w, offset, n, out, o);
            }
            case Q4_K -> q4_k(w, offset, n, out, o);
            case Q2_K -> q2_k(w, offset, n, out, o);
            case Q3_K -> q3_k(w, offset, n, out, o);
            case Q5_K -> q5_k(w, offset, n, out, o);
            case Q6_K -> q6_k(w, offset, n, out, o);
            case IQ4_NL -> iq4_nl(w, offset, n, out, o);
            case IQ4_XS -> iq4_xs(w, offset, n, out, o);
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
                ByteVector hi = q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).sub((byte) 8);
                for (int p = 0; p < 8; p += LL) {
                    int e = o + 32 * blk + j + p;
                    ((FloatVector) lo.convertShape(VectorOperators.B2F, LF, p / LL)).mul(d).intoArray(out, e);
                    ((FloatVector) hi.convertShape(VectorOperators.B2F, LF, p / LL)).mul(d).intoArray(out, e + 16);
                }
            }
        }
    }

    private static final VectorSpecies<Short> LS = VectorSpecies.of(short.class, VectorShape.forBitSize(16 * LL));

    /** A bfloat16 is the upper half of its float: each short widened and shifted up (n is a multiple of the width). */
    private static void bf16(MemorySegment w, long off, int n, float[] out, int o) {
        for (int i = 0; i < n; i += LL) {
            ShortVector h = ShortVector.fromMemorySegment(LS, w, off + 2L * i, LE);
            ((IntVector) h.convertShape(VectorOperators.S2I, LI, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(out, o + i);
        }
    }

    /** x = d·q + m, the nibbles as Q4_0's (mul, then add: the reference's rounding). */
    private static void q4_1(MemorySegment w, long off, int n, float[] out, int o) {
        for (int blk = 0; blk < n / 32; blk++) {
            long b = off + 20L * blk;
            FloatVector d = FloatVector.broadcast(LF, Bytes.f16(w, b)), m = FloatVector.broadcast(LF, Bytes.f16(w, b + 2));
            for (int j = 0; j < 16; j += 8) {
                ByteVector q = ByteVector.fromMemorySegment(B8, w, b + 4 + j, LE);
                ByteVector lo = q.and((byte) 0x0F);
                ByteVector hi = q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
                for (int p = 0; p < 8; p += LL) {
                    int e = o + 32 * blk + j + p;
                    ((FloatVector) lo.convertShape(VectorOperators.B2F, LF, p / LL)).mul(d).add(m).intoArray(out, e);
                    ((FloatVector) hi.convertShape(VectorOperators.B2F, LF, p / LL)).mul(d).add(m).intoArray(out, e + 16);
                }
            }
        }
    }

    /**
     * Q5_0's x = d·(q − 16) and Q5_1's x = d·q + m ({@code withMin}), q a nibble with its fifth bit above, rounded
     * as the reference rounds them: per block the 16 nibble bytes four to an int lane, low nibbles in lanes 0–3 and
     * high ones in 4–7, so that byte k of lane i is element 4i + k and the vector's bytes are the block in order; lane
     * i's four fifth bits go to bit 4 of its bytes by one multiply (t·0x204081 copies bit j of t to bit 8j, with no
     * overlaps to carry). 256-bit vectors: on narrower machines these rows take the scalar dequantizer.
     */
    private static void q5(MemorySegment w, long off, int n, float[] out, int o, boolean withMin) {
        int blockBytes = withMin ? 24 : 22, head = withMin ? 4 : 2;
        for (int blk = 0; blk < n / 32; blk++) {
            long b = off + (long) blockBytes * blk;
            IntVector four = (IntVector) IntVector.fromMemorySegment(IntVector.SPECIES_128, w, b + head + 4, LE).reinterpretShape(IntVector.SPECIES_256, 0);
            IntVector nibbles = four.rearrange(VectorDot.NIBBLE_INTS_TWICE).lanewise(VectorOperators.LSHR, VectorDot.HIGH_NIBBLE_LANES).and(0x0F0F0F0F);
            IntVector fifth = IntVector.broadcast(IntVector.SPECIES_256, Bytes.u32(w, b + head))
                    .lanewise(VectorOperators.LSHR, VectorDot.FIFTH_BIT_SHIFTS).and(15).mul(0x204081).and(0x01010101).lanewise(VectorOperators.LSHL, 4);
            ByteVector q = nibbles.or(fifth).reinterpretAsBytes();
            if (!withMin) q = q.sub((byte) 16);
            FloatVector d = FloatVector.broadcast(LF, Bytes.f16(w, b));
            FloatVector m = FloatVector.broadcast(LF, withMin ? Bytes.f16(w, b + 2) : 0f);
            for (int p = 0; p < 32; p += LL) {
                ((FloatVector) q.convertShape(VectorOperators.B2F, LF, p / LL)).mul(d).add(m).intoArray(out, o + 32 * blk + p);
            }
        }
    }

    /** x = d·level(code) ({@link Iq4Levels}), the codes placed as Q4_0's nibbles. */
    private static void iq4_nl(MemorySegment w, long off, int n, float[] out, int o) {
        for (int blk = 0; blk < n / 32; blk++) {
            long b = off + 18L * blk;
            levels32(w, b + 2, Bytes.f16(w, b), out, o + 32 * blk);
        }
    }

    /** x = (d·(scale − 32))·level(code) per sub-block of 32, rounded as the reference rounds it. */
    private static void iq4_xs(MemorySegment w, long off, int n, float[] out, int o) {
        for (int sb = 0; sb < n / 256; sb++) {
            long b = off + 136L * sb;
            float d = Bytes.f16(w, b);
            int high = w.get(Bytes.SHORT, b + 2), low = w.get(Bytes.INT, b + 4);
            for (int g = 0; g < 8; g++) {
                int scale = Iq4Levels.xsScale(high, low, g);
                levels32(w, b + 8 + 16 * g, d * scale, out, o + 256 * sb + 32 * g);
            }
        }
    }

    /** The 32 codes of the 16 bytes at b as levels times {@code scale}: low nibbles to out[e..], high ones to out[e + 16..]. */
    private static void levels32(MemorySegment w, long b, float scale, float[] out, int e) {
        ByteVector q = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, b, LE);
        ByteVector lo = q.and((byte) 0x0F).selectFrom(Iq4Levels.VECTOR);
        ByteVector hi = q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).selectFrom(Iq4Levels.VECTOR);
        FloatVector s = FloatVector.broadcast(LF, scale);
        for (int p = 0; p < 16; p += LL) {
            ((FloatVector) lo.convertShape(VectorOperators.B2F, LF, p / LL)).mul(s).intoArray(out, e + p);
            ((FloatVector) hi.convertShape(VectorOperators.B2F, LF, p / LL)).mul(s).intoArray(out, e + 16 + p);
        }
    }

    /**
     * x = d·sc·q − dmin·m per sub-block. The nibbles are masked (or shifted down) four bytes to an int lane as
     * the dot reads them; the lanes' bytes are then the elements in order, widened part by part.
     */
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
                FloatVector scale = FloatVector.broadcast(LF, d * ((scales >>> (8 * j)) & 0xFF));
                FloatVector min = FloatVector.broadcast(LF, -dmin * ((mins >>> (8 * j)) & 0xFF));
                for (int i = 0; i < 8; i += LL) {
                    IntVector q = IntVector.fromMemorySegment(LI, w, b + 16 + 32 * (j >>> 1) + 4 * i, LE);
                    if ((j & 1) == 1) q = q.lanewise(VectorOperators.LSHR, 4);
                    elements(q.and(0x0F0F0F0F).reinterpretAsBytes(), scale, min, out, o + 256 * sb + 32 * j + 4 * i);
                }
            }
        }
    }

    /** The 4·LL bytes of {@code q} (small non-negative values) as floats times {@code scale} plus {@code min}, in order. */
    private static void elements(ByteVector q, FloatVector scale, FloatVector min, float[] out, int e) {
        for (int p = 0; p < 4; p++) {
            ((FloatVector) q.convertShape(VectorOperators.B2F, LF, p)).fma(scale, min).intoArray(out, e + LL * p);
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

    /**
     * x = d·sc·(q − 32) per 16 elements: the six-bit fields put together four bytes to an int lane as
     * {@link VectorDot}'s Q6_K dot does, then, as bytes, the elements in order.
     */
    private static void q6_k(MemorySegment w, long off, int n, float[] out, int o) {
        for (int sb = 0; sb < n / 256; sb++) {
            long b = off + 210L * sb;
            float d = Bytes.f16(w, b + 208);
            for (int h = 0; h < 2; h++) {
                long scales = w.get(Bytes.LONG, b + 192 + 8 * h);
                for (int r = 0; r < 4; r++) {
                    FloatVector first = FloatVector.broadcast(LF, d * (byte) (scales >>> (16 * r)));
                    FloatVector second = FloatVector.broadcast(LF, d * (byte) (scales >>> (16 * r + 8)));
                    for (int i = 0; i < 8; i += LL) {
                        ByteVector q = VectorDot.q6Fields(w, b, h, r, i).reinterpretAsBytes().sub((byte) 32);
                        int e = o + 256 * sb + 128 * h + 32 * r + 4 * i;
                        for (int p = 0; p < 4; p++) {
                            // element 4i + LL·p of the 32 and its LL neighbours share the scale of its 16
                            FloatVector sc = 4 * i + LL * p < 16 ? first : second;
                            ((FloatVector) q.convertShape(VectorOperators.B2F, LF, p)).mul(sc).intoArray(out, e + LL * p);
                        }
                    }
                }
            }
        }
    }

    /** Tokens per panel: two vectors of lanes, the width of a tile. */
    static final int PANEL = 2 * FL;
    /**
     * Rows per tile: the most whose loop keeps every value in a register. C2 loads all of a tile's broadcast
     * weights before its FMAs, so a loop of R rows holds R broadcasts, two panel vectors and 2R accumulators:
     * 3R + 2 ≤ 32 gives 10 rows with AVX-512 (a 512-bit species), 3R + 2 ≤ 16 gives 4 with AVX2's 16
     * registers (narrower species are taken as 16-register machines). One more row and C2 keeps accumulators
     * on the stack, loaded and stored on every column (seen in the compiled loop: 12 rows, 12 spills/fills).
     * On a 2-core Zen 4 (2026-12-04), one core, {@code bench kernels} b512: 12 rows 64–68 → 10 rows 95–101 GFLOP/s,
     * and with -XX:UseAVX=2, 6 rows 35–42 → 4 rows 76–88; pp512 of the Q4_K_M speed model 296/324 → 458/467
     * t/s, old and new builds alternating (AVX2: 240/243 → 410/411).
     */
    static final int TILE = FL >= 16 ? 10 : 4;
    /**
     * Columns per pass: a panel's slice (32 KiB at 512 bits) and a chunk's rows' slices stay in L1/L2 at any row
     * length. Also the stride between a tile's rows in the dequantized weights ({@link #dequantizeRows}): a
     * constant, so a tile addresses all its rows from one register (rows n apart took one each, and 12 such rows
     * ran no faster than 6).
     */
    static final int K_BLOCK = 256;

    /** Panels that hold {@code tokens} tokens. */
    static int panels(int tokens) {
        return (tokens + PANEL - 1) / PANEL;
    }

    /** Rows {@code rows} rounded up to whole tiles: what {@link #multiply} reads of the dequantized rows. */
    static int paddedRows(int rows) {
        return (rows + TILE - 1) / TILE * TILE;
    }

    /** Floats {@link #dequantizeRows} writes for {@code count} rows of {@code n} columns. */
    static int rowFloats(int count, int n) {
        return (n + K_BLOCK - 1) / K_BLOCK * paddedRows(count) * K_BLOCK;
    }

    /**
     * {@code count} rows of {@code n} elements of {@code type}, {@code rowBytes} apart from {@code offset} in
     * {@code w}, dequantized into {@code out} in the order the tiles read: column block b ({@link #K_BLOCK}
     * columns from b·K_BLOCK) of row i at {@code out[(b·rows + i)·K_BLOCK ..]}, rows = {@link #paddedRows}, the
     * padding rows zero.
     */
    static void dequantizeRows(GgmlType type, MemorySegment w, long offset, long rowBytes, int count, int n, float[] out) {
        int rows = paddedRows(count);
        for (int k0 = 0; k0 < n; k0 += K_BLOCK) {
            int len = Math.min(K_BLOCK, n - k0), block = k0 / K_BLOCK * rows * K_BLOCK;
            long at = offset + (long) k0 / type.blockSize * type.bytesPerBlock;
            for (int i = 0; i < count; i++) dequantize(type, w, at + i * rowBytes, len, out, block + i * K_BLOCK);
            Arrays.fill(out, block + count * K_BLOCK, block + rows * K_BLOCK, 0f);
        }
    }

    /**
     * Panel {@code p} of the tokens' dense rows {@code x} ({@code n} floats each) transposed into
     * {@code into[base + p·n·PANEL ..]}: column k of slot j at {@code (p·n + k)·PANEL + j}, so one load gives
     * a column of a panel's tokens. Slots past the last token are zero. In blocks of {@link #TRANSPOSE_COLUMNS}
     * columns, whose part of the panel stays in L1 while every token writes its slot: a whole row at a time
     * wrote each line of a panel too large for L1 once per token (29 tokens × 2048 columns: 92 → 23 µs). At 16
     * lanes, each 16 tokens by 16 columns in registers ({@link #transpose16}); the rest element by element.
     */
    static void transpose(float[][] x, int p, int n, float[] into, int base) {
        int at = base + p * n * PANEL, first = p * PANEL, slots = Math.min(PANEL, x.length - first);
        int inRegisters = FL == 16 ? slots / 16 * 16 : 0;
        for (int k0 = 0; k0 < n; k0 += TRANSPOSE_COLUMNS) {
            int k1 = Math.min(n, k0 + TRANSPOSE_COLUMNS);
            for (int j0 = 0; j0 < inRegisters; j0 += 16) {
                for (int k = k0; k < k1; k += 16) transpose16(x, first + j0, k, into, at + k * PANEL + j0);
            }
            for (int j = inRegisters; j < slots; j++) {
                float[] row = x[first + j];
                for (int k = k0; k < k1; k++) into[at + k * PANEL + j] = row[k];
            }
            for (int j = slots; j < PANEL; j++) {
                for (int k = k0; k < k1; k++) into[at + k * PANEL + j] = 0f;
            }
        }
    }

    /**
     * Columns k..k+15 of rows x[row..row+15] into {@code into[o + c·PANEL + j]} (column c of row j), for 16 lanes:
     * four rounds that swap the off-diagonal halves, quarters, eighths and sixteenths of each pair of vectors
     * (one two-table lane selection each), 64 selections for 256 elements where element by element took 256
     * loads and 256 stores. Written out: vectors in an array, or passed to a helper, are boxed.
     */
    private static void transpose16(float[][] x, int row, int k, float[] into, int o) {
        FloatVector r0 = FloatVector.fromArray(F, x[row], k);
        FloatVector r1 = FloatVector.fromArray(F, x[row + 1], k);
        FloatVector r2 = FloatVector.fromArray(F, x[row + 2], k);
        FloatVector r3 = FloatVector.fromArray(F, x[row + 3], k);
        FloatVector r4 = FloatVector.fromArray(F, x[row + 4], k);
        FloatVector r5 = FloatVector.fromArray(F, x[row + 5], k);
        FloatVector r6 = FloatVector.fromArray(F, x[row + 6], k);
        FloatVector r7 = FloatVector.fromArray(F, x[row + 7], k);
        FloatVector r8 = FloatVector.fromArray(F, x[row + 8], k);
        FloatVector r9 = FloatVector.fromArray(F, x[row + 9], k);
        FloatVector r10 = FloatVector.fromArray(F, x[row + 10], k);
        FloatVector r11 = FloatVector.fromArray(F, x[row + 11], k);
        FloatVector r12 = FloatVector.fromArray(F, x[row + 12], k);
        FloatVector r13 = FloatVector.fromArray(F, x[row + 13], k);
        FloatVector r14 = FloatVector.fromArray(F, x[row + 14], k);
        FloatVector r15 = FloatVector.fromArray(F, x[row + 15], k);
        FloatVector a0 = LOW8.selectFrom(r0, r8), a8 = HIGH8.selectFrom(r0, r8);
        FloatVector a1 = LOW8.selectFrom(r1, r9), a9 = HIGH8.selectFrom(r1, r9);
        FloatVector a2 = LOW8.selectFrom(r2, r10), a10 = HIGH8.selectFrom(r2, r10);
        FloatVector a3 = LOW8.selectFrom(r3, r11), a11 = HIGH8.selectFrom(r3, r11);
        FloatVector a4 = LOW8.selectFrom(r4, r12), a12 = HIGH8.selectFrom(r4, r12);
        FloatVector a5 = LOW8.selectFrom(r5, r13), a13 = HIGH8.selectFrom(r5, r13);
        FloatVector a6 = LOW8.selectFrom(r6, r14), a14 = HIGH8.selectFrom(r6, r14);
        FloatVector a7 = LOW8.selectFrom(r7, r15), a15 = HIGH8.selectFrom(r7, r15);
        FloatVector b0 = LOW4.selectFrom(a0, a4), b4 = HIGH4.selectFrom(a0, a4);
        FloatVector b1 = LOW4.selectFrom(a1, a5), b5 = HIGH4.selectFrom(a1, a5);
        FloatVector b2 = LOW4.selectFrom(a2, a6), b6 = HIGH4.selectFrom(a2, a6);
        FloatVector b3 = LOW4.selectFrom(a3, a7), b7 = HIGH4.selectFrom(a3, a7);
        FloatVector b8 = LOW4.selectFrom(a8, a12), b12 = HIGH4.selectFrom(a8, a12);
        FloatVector b9 = LOW4.selectFrom(a9, a13), b13 = HIGH4.selectFrom(a9, a13);
        FloatVector b10 = LOW4.selectFrom(a10, a14), b14 = HIGH4.selectFrom(a10, a14);
        FloatVector b11 = LOW4.selectFrom(a11, a15), b15 = HIGH4.selectFrom(a11, a15);
        FloatVector c0 = LOW2.selectFrom(b0, b2), c2 = HIGH2.selectFrom(b0, b2);
        FloatVector c1 = LOW2.selectFrom(b1, b3), c3 = HIGH2.selectFrom(b1, b3);
        FloatVector c4 = LOW2.selectFrom(b4, b6), c6 = HIGH2.selectFrom(b4, b6);
        FloatVector c5 = LOW2.selectFrom(b5, b7), c7 = HIGH2.selectFrom(b5, b7);
        FloatVector c8 = LOW2.selectFrom(b8, b10), c10 = HIGH2.selectFrom(b8, b10);
        FloatVector c9 = LOW2.selectFrom(b9, b11), c11 = HIGH2.selectFrom(b9, b11);
        FloatVector c12 = LOW2.selectFrom(b12, b14), c14 = HIGH2.selectFrom(b12, b14);
        FloatVector c13 = LOW2.selectFrom(b13, b15), c15 = HIGH2.selectFrom(b13, b15);
        FloatVector d0 = LOW1.selectFrom(c0, c1), d1 = HIGH1.selectFrom(c0, c1);
        FloatVector d2 = LOW1.selectFrom(c2, c3), d3 = HIGH1.selectFrom(c2, c3);
        FloatVector d4 = LOW1.selectFrom(c4, c5), d5 = HIGH1.selectFrom(c4, c5);
        FloatVector d6 = LOW1.selectFrom(c6, c7), d7 = HIGH1.selectFrom(c6, c7);
        FloatVector d8 = LOW1.selectFrom(c8, c9), d9 = HIGH1.selectFrom(c8, c9);
        FloatVector d10 = LOW1.selectFrom(c10, c11), d11 = HIGH1.selectFrom(c10, c11);
        FloatVector d12 = LOW1.selectFrom(c12, c13), d13 = HIGH1.selectFrom(c12, c13);
        FloatVector d14 = LOW1.selectFrom(c14, c15), d15 = HIGH1.selectFrom(c14, c15);
        d0.intoArray(into, o);
        d1.intoArray(into, o + 1 * PANEL);
        d2.intoArray(into, o + 2 * PANEL);
        d3.intoArray(into, o + 3 * PANEL);
        d4.intoArray(into, o + 4 * PANEL);
        d5.intoArray(into, o + 5 * PANEL);
        d6.intoArray(into, o + 6 * PANEL);
        d7.intoArray(into, o + 7 * PANEL);
        d8.intoArray(into, o + 8 * PANEL);
        d9.intoArray(into, o + 9 * PANEL);
        d10.intoArray(into, o + 10 * PANEL);
        d11.intoArray(into, o + 11 * PANEL);
        d12.intoArray(into, o + 12 * PANEL);
        d13.intoArray(into, o + 13 * PANEL);
        d14.intoArray(into, o + 14 * PANEL);
        d15.intoArray(into, o + 15 * PANEL);
    }


    /** The two-table selections of {@link #transpose16}'s round of distance b: the first vector's new lanes, and the second's. */
    private static final FloatVector LOW8 = swap(8, false), HIGH8 = swap(8, true), LOW4 = swap(4, false), HIGH4 = swap(4, true);
    private static final FloatVector LOW2 = swap(2, false), HIGH2 = swap(2, true), LOW1 = swap(1, false), HIGH1 = swap(1, true);

    /**
     * Lane L of the pair (u, v) after the round of distance b, as an index into u's lanes then v's: the first
     * keeps u's lanes whose bit b is clear and takes v's b lower for the others; the second takes u's b higher
     * where the bit is clear and keeps v's where it is set.
     */
    private static FloatVector swap(int b, boolean second) {
        float[] index = new float[FL];
        for (int lane = 0; lane < FL; lane++) {
            boolean clear = (lane & b) == 0;
            index[lane] = second ? (clear ? lane + b : FL + lane) : (clear ? lane : FL + lane - b);
        }
        return FloatVector.fromArray(F, index, 0);
    }

    /** Columns per block of {@link #transpose}: 8 KiB of a 32-token panel. */
    private static final int TRANSPOSE_COLUMNS = 64;

    /**
     * {@code out[outBase[t] + first + i] = row i of wb · token t} for rows i below {@code count} (as
     * {@link #dequantizeRows} wrote them, {@code n} columns) and the {@code tokens} tokens transposed at
     * {@code panels[panelBase ..]}. {@link #TILE} rows by a panel at a time, lanes along the tokens: each weight
     * is broadcast once for two FMAs, there is no horizontal sum, and the sums of one row and token run in
     * column order. {@code acc} holds the sums between column blocks.
     */
    static void multiply(float[] wb, int count, int n, float[] panels, int panelBase, int tokens,
                         int[] outBase, int first, float[] out, float[] acc) {
        int rows = paddedRows(count), np = panels(tokens);
        Arrays.fill(acc, 0, np * rows * PANEL, 0f);
        for (int k0 = 0; k0 < n; k0 += K_BLOCK) {
            int len = Math.min(K_BLOCK, n - k0), block = k0 / K_BLOCK * rows * K_BLOCK;
            for (int p = 0; p < np; p++) {
                int x = panelBase + (p * n + k0) * PANEL;
                boolean half = tokens - p * PANEL <= FL;
                for (int i = 0; i < rows; i += TILE) {
                    int w = block + i * K_BLOCK, c = (p * rows + i) * PANEL;
                    if (TILE == 10) {
                        if (half) tile10x1(wb, w, panels, x, len, acc, c);
                        else tile10x2(wb, w, panels, x, len, acc, c);
                    } else {
                        if (half) tile4x1(wb, w, panels, x, len, acc, c);
                        else tile4x2(wb, w, panels, x, len, acc, c);
                    }
                }
            }
        }
        for (int t = 0; t < tokens; t++) {
            int o = outBase[t] + first, c = (t / PANEL) * rows * PANEL + t % PANEL;
            for (int r = 0; r < count; r++) out[o + r] = acc[c + r * PANEL];
        }
    }

    /**
     * {@code len} columns of four rows (wb[w ..], rows {@link #K_BLOCK} apart) by a full panel's columns
     * (panels[x ..]) added to the sums at acc[c ..]. The loop counts from 0 on offset bases: with a k0..k1
     * range instead, C2 compiled it at half the speed.
     */
    private static void tile4x2(float[] wb, int w, float[] panels, int x, int len, float[] acc, int c) {
        FloatVector a0 = FloatVector.fromArray(F, acc, c), a1 = FloatVector.fromArray(F, acc, c + FL);
        FloatVector b0 = FloatVector.fromArray(F, acc, c + PANEL), b1 = FloatVector.fromArray(F, acc, c + PANEL + FL);
        FloatVector c0 = FloatVector.fromArray(F, acc, c + 2 * PANEL), c1 = FloatVector.fromArray(F, acc, c + 2 * PANEL + FL);
        FloatVector d0 = FloatVector.fromArray(F, acc, c + 3 * PANEL), d1 = FloatVector.fromArray(F, acc, c + 3 * PANEL + FL);
        for (int k = 0; k < len; k++) {
            FloatVector x0 = FloatVector.fromArray(F, panels, x + k * PANEL), x1 = FloatVector.fromArray(F, panels, x + k * PANEL + FL);
            FloatVector v = FloatVector.broadcast(F, wb[w + k]);
            a0 = v.fma(x0, a0);
            a1 = v.fma(x1, a1);
            v = FloatVector.broadcast(F, wb[w + K_BLOCK + k]);
            b0 = v.fma(x0, b0);
            b1 = v.fma(x1, b1);
            v = FloatVector.broadcast(F, wb[w + 2 * K_BLOCK + k]);
            c0 = v.fma(x0, c0);
            c1 = v.fma(x1, c1);
            v = FloatVector.broadcast(F, wb[w + 3 * K_BLOCK + k]);
            d0 = v.fma(x0, d0);
            d1 = v.fma(x1, d1);
        }
        a0.intoArray(acc, c);
        a1.intoArray(acc, c + FL);
        b0.intoArray(acc, c + PANEL);
        b1.intoArray(acc, c + PANEL + FL);
        c0.intoArray(acc, c + 2 * PANEL);
        c1.intoArray(acc, c + 2 * PANEL + FL);
        d0.intoArray(acc, c + 3 * PANEL);
        d1.intoArray(acc, c + 3 * PANEL + FL);
    }

    /** As {@link #tile4x2} for a last panel with at most one vector of tokens. */
    private static void tile4x1(float[] wb, int w, float[] panels, int x, int len, float[] acc, int c) {
        FloatVector a = FloatVector.fromArray(F, acc, c), b = FloatVector.fromArray(F, acc, c + PANEL);
        FloatVector cc = FloatVector.fromArray(F, acc, c + 2 * PANEL), d = FloatVector.fromArray(F, acc, c + 3 * PANEL);
        for (int k = 0; k < len; k++) {
            FloatVector x0 = FloatVector.fromArray(F, panels, x + k * PANEL);
            a = FloatVector.broadcast(F, wb[w + k]).fma(x0, a);
            b = FloatVector.broadcast(F, wb[w + K_BLOCK + k]).fma(x0, b);
            cc = FloatVector.broadcast(F, wb[w + 2 * K_BLOCK + k]).fma(x0, cc);
            d = FloatVector.broadcast(F, wb[w + 3 * K_BLOCK + k]).fma(x0, d);
        }
        a.intoArray(acc, c);
        b.intoArray(acc, c + PANEL);
        cc.intoArray(acc, c + 2 * PANEL);
        d.intoArray(acc, c + 3 * PANEL);
    }

    /** As {@link #tile4x2} for ten rows. */
    private static void tile10x2(float[] wb, int w, float[] panels, int x, int len, float[] acc, int c) {
        FloatVector a0 = FloatVector.fromArray(F, acc, c), a1 = FloatVector.fromArray(F, acc, c + FL);
        FloatVector b0 = FloatVector.fromArray(F, acc, c + PANEL), b1 = FloatVector.fromArray(F, acc, c + PANEL + FL);
        FloatVector c0 = FloatVector.fromArray(F, acc, c + 2 * PANEL), c1 = FloatVector.fromArray(F, acc, c + 2 * PANEL + FL);
        FloatVector d0 = FloatVector.fromArray(F, acc, c + 3 * PANEL), d1 = FloatVector.fromArray(F, acc, c + 3 * PANEL + FL);
        FloatVector e0 = FloatVector.fromArray(F, acc, c + 4 * PANEL), e1 = FloatVector.fromArray(F, acc, c + 4 * PANEL + FL);
        FloatVector f0 = FloatVector.fromArray(F, acc, c + 5 * PANEL), f1 = FloatVector.fromArray(F, acc, c + 5 * PANEL + FL);
        FloatVector g0 = FloatVector.fromArray(F, acc, c + 6 * PANEL), g1 = FloatVector.fromArray(F, acc, c + 6 * PANEL + FL);
        FloatVector h0 = FloatVector.fromArray(F, acc, c + 7 * PANEL), h1 = FloatVector.fromArray(F, acc, c + 7 * PANEL + FL);
        FloatVector i0 = FloatVector.fromArray(F, acc, c + 8 * PANEL), i1 = FloatVector.fromArray(F, acc, c + 8 * PANEL + FL);
        FloatVector j0 = FloatVector.fromArray(F, acc, c + 9 * PANEL), j1 = FloatVector.fromArray(F, acc, c + 9 * PANEL + FL);
        for (int k = 0; k < len; k++) {
            FloatVector x0 = FloatVector.fromArray(F, panels, x + k * PANEL), x1 = FloatVector.fromArray(F, panels, x + k * PANEL + FL);
            FloatVector v = FloatVector.broadcast(F, wb[w + k]);
            a0 = v.fma(x0, a0);
            a1 = v.fma(x1, a1);
            v = FloatVector.broadcast(F, wb[w + K_BLOCK + k]);
            b0 = v.fma(x0, b0);
            b1 = v.fma(x1, b1);
            v = FloatVector.broadcast(F, wb[w + 2 * K_BLOCK + k]);
            c0 = v.fma(x0, c0);
            c1 = v.fma(x1, c1);
            v = FloatVector.broadcast(F, wb[w + 3 * K_BLOCK + k]);
            d0 = v.fma(x0, d0);
            d1 = v.fma(x1, d1);
            v = FloatVector.broadcast(F, wb[w + 4 * K_BLOCK + k]);
            e0 = v.fma(x0, e0);
            e1 = v.fma(x1, e1);
            v = FloatVector.broadcast(F, wb[w + 5 * K_BLOCK + k]);
            f0 = v.fma(x0, f0);
            f1 = v.fma(x1, f1);
            v = FloatVector.broadcast(F, wb[w + 6 * K_BLOCK + k]);
            g0 = v.fma(x0, g0);
            g1 = v.fma(x1, g1);
            v = FloatVector.broadcast(F, wb[w + 7 * K_BLOCK + k]);
            h0 = v.fma(x0, h0);
            h1 = v.fma(x1, h1);
            v = FloatVector.broadcast(F, wb[w + 8 * K_BLOCK + k]);
            i0 = v.fma(x0, i0);
            i1 = v.fma(x1, i1);
            v = FloatVector.broadcast(F, wb[w + 9 * K_BLOCK + k]);
            j0 = v.fma(x0, j0);
            j1 = v.fma(x1, j1);
        }
        a0.intoArray(acc, c);
        a1.intoArray(acc, c + FL);
        b0.intoArray(acc, c + PANEL);
        b1.intoArray(acc, c + PANEL + FL);
        c0.intoArray(acc, c + 2 * PANEL);
        c1.intoArray(acc, c + 2 * PANEL + FL);
        d0.intoArray(acc, c + 3 * PANEL);
        d1.intoArray(acc, c + 3 * PANEL + FL);
        e0.intoArray(acc, c + 4 * PANEL);
        e1.intoArray(acc, c + 4 * PANEL + FL);
        f0.intoArray(acc, c + 5 * PANEL);
        f1.intoArray(acc, c + 5 * PANEL + FL);
        g0.intoArray(acc, c + 6 * PANEL);
        g1.intoArray(acc, c + 6 * PANEL + FL);
        h0.intoArray(acc, c + 7 * PANEL);
        h1.intoArray(acc, c + 7 * PANEL + FL);
        i0.intoArray(acc, c + 8 * PANEL);
        i1.intoArray(acc, c + 8 * PANEL + FL);
        j0.intoArray(acc, c + 9 * PANEL);
        j1.intoArray(acc, c + 9 * PANEL + FL);
    }

    /** As {@link #tile10x2} for a last panel with at most one vector of tokens. */
    private static void tile10x1(float[] wb, int w, float[] panels, int x, int len, float[] acc, int c) {
        FloatVector a0 = FloatVector.fromArray(F, acc, c), b0 = FloatVector.fromArray(F, acc, c + PANEL);
        FloatVector c0 = FloatVector.fromArray(F, acc, c + 2 * PANEL), d0 = FloatVector.fromArray(F, acc, c + 3 * PANEL);
        FloatVector e0 = FloatVector.fromArray(F, acc, c + 4 * PANEL), f0 = FloatVector.fromArray(F, acc, c + 5 * PANEL);
        FloatVector g0 = FloatVector.fromArray(F, acc, c + 6 * PANEL), h0 = FloatVector.fromArray(F, acc, c + 7 * PANEL);
        FloatVector i0 = FloatVector.fromArray(F, acc, c + 8 * PANEL), j0 = FloatVector.fromArray(F, acc, c + 9 * PANEL);
        for (int k = 0; k < len; k++) {
            FloatVector x0 = FloatVector.fromArray(F, panels, x + k * PANEL);
            a0 = FloatVector.broadcast(F, wb[w + k]).fma(x0, a0);
            b0 = FloatVector.broadcast(F, wb[w + K_BLOCK + k]).fma(x0, b0);
            c0 = FloatVector.broadcast(F, wb[w + 2 * K_BLOCK + k]).fma(x0, c0);
            d0 = FloatVector.broadcast(F, wb[w + 3 * K_BLOCK + k]).fma(x0, d0);
            e0 = FloatVector.broadcast(F, wb[w + 4 * K_BLOCK + k]).fma(x0, e0);
            f0 = FloatVector.broadcast(F, wb[w + 5 * K_BLOCK + k]).fma(x0, f0);
            g0 = FloatVector.broadcast(F, wb[w + 6 * K_BLOCK + k]).fma(x0, g0);
            h0 = FloatVector.broadcast(F, wb[w + 7 * K_BLOCK + k]).fma(x0, h0);
            i0 = FloatVector.broadcast(F, wb[w + 8 * K_BLOCK + k]).fma(x0, i0);
            j0 = FloatVector.broadcast(F, wb[w + 9 * K_BLOCK + k]).fma(x0, j0);
        }
        a0.intoArray(acc, c);
        b0.intoArray(acc, c + PANEL);
        c0.intoArray(acc, c + 2 * PANEL);
        d0.intoArray(acc, c + 3 * PANEL);
        e0.intoArray(acc, c + 4 * PANEL);
        f0.intoArray(acc, c + 5 * PANEL);
        g0.intoArray(acc, c + 6 * PANEL);
        h0.intoArray(acc, c + 7 * PANEL);
        i0.intoArray(acc, c + 8 * PANEL);
        j0.intoArray(acc, c + 9 * PANEL);
    }
}
