package dev.jmoe.host.kernel;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Test helper: builds raw block bytes field by field, little-endian, as a heap segment. */
final class Blocks {
    private final ByteBuffer buf;

    Blocks(int bytes) {
        buf = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    Blocks f16(float v) {
        buf.putShort(Float.floatToFloat16(v));
        return this;
    }

    Blocks u8(int... vs) {
        for (int v : vs) buf.put((byte) v);
        return this;
    }

    Blocks u32(int v) {
        buf.putInt(v);
        return this;
    }

    Blocks fill(int count, int v) {
        for (int i = 0; i < count; i++) buf.put((byte) v);
        return this;
    }

    MemorySegment segment() {
        if (buf.hasRemaining()) throw new IllegalStateException(buf.remaining() + " bytes left unwritten");
        return MemorySegment.ofArray(buf.array());
    }
}
