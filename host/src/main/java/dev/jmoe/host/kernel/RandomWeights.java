package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Fills memory with random but valid blocks of a type: random quant bits everywhere, and every float
 * field (block scales, plain float elements) a finite value of modest size, so dot products stay finite.
 * For benchmarks and tests; the values mean nothing.
 */
public final class RandomWeights {
    private RandomWeights() {}

    /** Fills {@code s} (a whole number of blocks of {@code type}) with random valid blocks. */
    public static void fill(GgmlType type, MemorySegment s, long seed) {
        if (s.byteSize() % type.bytesPerBlock != 0) {
            throw new IllegalArgumentException(s.byteSize() + " bytes is not a whole number of " + type + " blocks");
        }
        SplittableRandom r = new SplittableRandom(seed);
        randomBytes(s, r);
        long blocks = s.byteSize() / type.bytesPerBlock;
        for (long b = 0; b < blocks; b++) fixFloats(type, s, b * type.bytesPerBlock, r);
    }

    /** Fills {@code s} with random bytes. */
    public static void randomBytes(MemorySegment s, long seed) {
        randomBytes(s, new SplittableRandom(seed));
    }

    private static void randomBytes(MemorySegment s, SplittableRandom r) {
        for (long i = 0; i + 8 <= s.byteSize(); i += 8) s.set(ValueLayout.JAVA_LONG_UNALIGNED, i, r.nextLong());
        for (long i = s.byteSize() & ~7L; i < s.byteSize(); i++) s.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt());
    }

    private static void fixFloats(GgmlType type, MemorySegment s, long b, SplittableRandom r) {
        switch (type) {
            case F32 -> s.set(Bytes.FLOAT, b, gaussian(r));
            case F16 -> f16(s, b, gaussian(r));
            case BF16 -> s.set(Bytes.SHORT, b, (short) (Float.floatToRawIntBits(gaussian(r)) >>> 16));
            case Q8_0, Q4_0, Q5_0, IQ4_NL, IQ4_XS -> f16(s, b, scale(r));
            case Q4_1, Q5_1, Q4_K, Q5_K -> { f16(s, b, scale(r)); f16(s, b + 2, scale(r)); }
            case Q2_K -> { f16(s, b + 80, scale(r)); f16(s, b + 82, scale(r)); }
            case Q3_K -> f16(s, b + 108, scale(r));
            case Q6_K -> f16(s, b + 208, scale(r));
            default -> throw new IllegalArgumentException("no kernel for tensor type " + type);
        }
    }

    private static float gaussian(SplittableRandom r) {
        return (float) r.nextGaussian();
    }

    private static float scale(SplittableRandom r) {
        return (float) ((r.nextDouble() - 0.5) * 0.02);
    }

    private static void f16(MemorySegment s, long at, float v) {
        s.set(Bytes.SHORT, at, Float.floatToFloat16(v));
    }
}
