package dev.jmoe.host.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.AbstractList;
import java.util.RandomAccess;

/** The items of a fixed-size-type array, kept as the file's little-endian bytes and decoded on access. */
final class PackedValues extends AbstractList<GgufValue> implements RandomAccess {
    private final GgufValueType type;
    private final ByteBuffer bytes;
    private final int size;

    PackedValues(GgufValueType type, byte[] bytes) {
        if (!type.isFixedSize() || bytes.length % type.minBytes != 0) {
            throw new IllegalArgumentException(bytes.length + " bytes are not whole " + type.label() + " values");
        }
        this.type = type;
        this.bytes = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.size = bytes.length / type.minBytes;
    }

    @Override
    public GgufValue get(int index) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException(index);
        return FixedValues.decode(type, bytes, index * type.minBytes);
    }

    @Override
    public int size() {
        return size;
    }
}
