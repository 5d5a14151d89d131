package dev.jmoe.host.gguf;

import java.nio.ByteBuffer;

/** Little-endian encoding of the fixed-size value types: the one place that knows their layout. */
final class FixedValues {
    private FixedValues() {}

    /**
     * Decodes one value of {@code type} at {@code at} in a little-endian buffer. A bool byte other than
     * 0 or 1 is returned as null so the reader can name its offset.
     */
    static GgufValue decode(GgufValueType type, ByteBuffer b, int at) {
        return switch (type) {
            case UINT8 -> new GgufValue.UInt8(Byte.toUnsignedInt(b.get(at)));
            case INT8 -> new GgufValue.Int8(b.get(at));
            case UINT16 -> new GgufValue.UInt16(Short.toUnsignedInt(b.getShort(at)));
            case INT16 -> new GgufValue.Int16(b.getShort(at));
            case UINT32 -> new GgufValue.UInt32(Integer.toUnsignedLong(b.getInt(at)));
            case INT32 -> new GgufValue.Int32(b.getInt(at));
            case FLOAT32 -> new GgufValue.Float32(b.getFloat(at));
            case BOOL -> switch (b.get(at)) {
                case 0 -> new GgufValue.Bool(false);
                case 1 -> new GgufValue.Bool(true);
                default -> null;
            };
            case UINT64 -> new GgufValue.UInt64(b.getLong(at));
            case INT64 -> new GgufValue.Int64(b.getLong(at));
            case FLOAT64 -> new GgufValue.Float64(b.getDouble(at));
            case STRING, ARRAY -> throw new IllegalArgumentException(type + " is not a fixed-size type");
        };
    }

    /** Appends one fixed-size value to a little-endian buffer. */
    static void encode(GgufValue value, ByteBuffer b) {
        switch (value) {
            case GgufValue.UInt8 v -> b.put((byte) v.value());
            case GgufValue.Int8 v -> b.put(v.value());
            case GgufValue.UInt16 v -> b.putShort((short) v.value());
            case GgufValue.Int16 v -> b.putShort(v.value());
            case GgufValue.UInt32 v -> b.putInt((int) v.value());
            case GgufValue.Int32 v -> b.putInt(v.value());
            case GgufValue.Float32 v -> b.putFloat(v.value());
            case GgufValue.Bool v -> b.put((byte) (v.value() ? 1 : 0));
            case GgufValue.UInt64 v -> b.putLong(v.value());
            case GgufValue.Int64 v -> b.putLong(v.value());
            case GgufValue.Float64 v -> b.putDouble(v.value());
            case GgufValue.Str s -> throw new IllegalArgumentException("not a fixed-size value: " + s);
            case GgufValue.Array a -> throw new IllegalArgumentException("not a fixed-size value: array");
        }
    }
}
