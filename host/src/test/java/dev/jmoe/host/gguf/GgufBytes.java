package dev.jmoe.host.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Hand-built GGUF bytes for bad-input tests, written field by field per the format so each test
 * knows the offset of the field it breaks ({@link #mark()} before writing it).
 */
final class GgufBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Magic, version, tensor count, kv count. */
    static GgufBytes header(long version, long tensorCount, long kvCount) {
        return new GgufBytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(version).u64(tensorCount).u64(kvCount);
    }

    long mark() {
        return out.size();
    }

    GgufBytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    GgufBytes u8(int v) {
        out.write(v);
        return this;
    }

    GgufBytes u32(long v) {
        return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
    }

    GgufBytes u64(long v) {
        return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    GgufBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return u64(b.length).raw(b);
    }

    /** A metadata entry holding a uint32. */
    GgufBytes kvU32(String key, long v) {
        return str(key).u32(GgufValueType.UINT32.id).u32(v);
    }

    /** A tensor info. */
    GgufBytes tensor(String name, GgmlType type, long offset, long... shape) {
        str(name).u32(shape.length);
        for (long d : shape) u64(d);
        return u32(type.id).u64(offset);
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    GgufBytes pad(int alignment) {
        while (out.size() % alignment != 0) out.write(0);
        return this;
    }

    GgufBytes zeros(int n) {
        out.writeBytes(new byte[n]);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
