package dev.jmoe.host.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Little-endian reads of the scalar fields in GGML blocks (the blocks are byte-packed, unaligned). */
final class Bytes {
    private Bytes() {}

    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** An IEEE half-precision field as a float. */
    static float f16(MemorySegment s, long offset) {
        return Float.float16ToFloat(s.get(SHORT, offset));
    }

    /** A bfloat16 field (the upper half of a float) as a float. */
    static float bf16(MemorySegment s, long offset) {
        return Float.intBitsToFloat((s.get(SHORT, offset) & 0xFFFF) << 16);
    }

    static float f32(MemorySegment s, long offset) {
        return s.get(FLOAT, offset);
    }

    /** A byte as 0..255. */
    static int u8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    /** A byte as -128..127. */
    static int i8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset);
    }

    static int u32(MemorySegment s, long offset) {
        return s.get(INT, offset);
    }
}
