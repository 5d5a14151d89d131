package dev.jmoe.cuda.compute;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Tensor data of any supported type with every quant bit random, and every f16 scale field a random finite
 * half in [-2, 2] (random bits there would make infinities and NaNs, which no model holds). Offsets of the
 * scale fields follow the GGML block layouts.
 */
public final class RandomBlocks {
    private RandomBlocks() {}

    /** {@code elements} elements (a whole number of blocks) of {@code type} in native memory of {@code arena}. */
    public static MemorySegment of(GgmlType type, long elements, long seed, Arena arena) {
        SplittableRandom random = new SplittableRandom(seed);
        long blocks = elements / type.blockSize;
        MemorySegment s = arena.allocate(blocks * type.bytesPerBlock, 64);
        for (long i = 0; i < s.byteSize(); i++) s.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt());
        switch (type) {
            case F32 -> { for (long i = 0; i < elements; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextDouble(-2, 2)); }
            case F16 -> { for (long i = 0; i < elements; i++) s.setAtIndex(ValueLayout.JAVA_SHORT, i, half(random)); }
            case BF16 -> { for (long i = 0; i < elements; i++) s.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) (Float.floatToIntBits((float) random.nextDouble(-2, 2)) >>> 16)); }
            default -> {
                for (long b = 0; b < blocks; b++) {
                    for (int field : halfFields(type)) s.set(ValueLayout.JAVA_SHORT_UNALIGNED, b * type.bytesPerBlock + field, half(random));
                }
            }
        }
        return s;
    }

    private static short half(SplittableRandom random) {
        return Float.floatToFloat16((float) random.nextDouble(-2, 2));
    }

    /** Byte offsets of the f16 fields (scales, mins) within one block of {@code type}. */
    private static int[] halfFields(GgmlType type) {
        return switch (type) {
            case Q8_0, Q4_0, Q5_0 -> new int[] {0};
            case Q4_1, Q5_1, Q4_K, Q5_K -> new int[] {0, 2};
            case Q2_K -> new int[] {80, 82};
            case Q3_K -> new int[] {108};
            case Q6_K -> new int[] {208};
            default -> throw new IllegalArgumentException("no block layout for " + type);
        };
    }
}
