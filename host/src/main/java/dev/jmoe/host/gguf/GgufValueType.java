package dev.jmoe.host.gguf;

import java.util.Optional;

/** The GGUF metadata value types in id order, with the fewest bytes one value can occupy. */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    /** uint64 length + UTF-8 bytes. */
    STRING(8, 8),
    /** uint32 element type + uint64 count + elements. */
    ARRAY(9, 12),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = values();

    /** The id stored in the file. */
    public final int id;
    /**
     * Encoded size of one value: exact for fixed-size types, the minimum for strings and arrays. The
     * reader bounds every count by it (a count of n needs at least n times this many bytes).
     */
    public final int minBytes;

    GgufValueType(int id, int minBytes) {
        this.id = id;
        this.minBytes = minBytes;
    }

    /** The type with this id, or empty. */
    public static Optional<GgufValueType> byId(long id) {
        return id >= 0 && id < BY_ID.length ? Optional.of(BY_ID[(int) id]) : Optional.empty();
    }

    /** True for the types whose values all have the same size (all but strings and arrays). */
    public boolean isFixedSize() {
        return this != STRING && this != ARRAY;
    }

    /** True for the integer types, signed or not. */
    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /** The name used in messages and JSON, e.g. {@code uint32}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
