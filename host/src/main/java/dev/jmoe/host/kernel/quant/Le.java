package dev.jmoe.host.kernel.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Little-endian stores, as GGUF blocks are laid out whatever the platform. */
final class Le {
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Le() {}

    static void f16(MemorySegment s, long at, float v) {
        s.set(SHORT, at, Float.floatToFloat16(v));
    }

    /** The value an f16 field really holds once {@code v} is stored in it. */
    static float roundedF16(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }

    static void u8(MemorySegment s, long at, int v) {
        s.set(ValueLayout.JAVA_BYTE, at, (byte) v);
    }

    static void u32(MemorySegment s, long at, int v) {
        s.set(INT, at, v);
    }

    static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
