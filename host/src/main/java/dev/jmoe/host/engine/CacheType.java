package dev.jmoe.host.engine;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the KV cache stores keys or values ({@code --cache-type-k}, {@code --cache-type-v}). */
public enum CacheType {
    /** Half precision: the reference's default, and what the golden logits were made with. */
    F16,
    F32,
    /** Blocks of 32 int8 with an f16 scale; needs a head size that is a multiple of 32. */
    Q8_0;

    public static CacheType parse(String text) {
        for (CacheType t : values()) if (t.label().equals(text.toLowerCase(Locale.ROOT))) return t;
        throw new IllegalArgumentException("unknown cache type '" + text + "' (expected "
                + Arrays.stream(values()).map(CacheType::label).collect(Collectors.joining(", ")) + ")");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Bytes of one row of {@code width} values, at the sizes ggml gives the cache types: f32 4, f16 2, q8_0 34 per 32. */
    public long rowBytes(int width) {
        return switch (this) {
            case F32 -> 4L * width;
            case F16 -> 2L * width;
            case Q8_0 -> (width + 31) / 32 * (long) KvRows.Q8.BLOCK_BYTES;
        };
    }

    /** Cache rows of {@code width} floats each, in {@code storage} (a whole number of {@link #rowBytes} rows). */
    public KvRows rows(int width, int headSize, MemorySegment storage) {
        return switch (this) {
            case F32 -> new KvRows.F32(width, storage);
            case F16 -> new KvRows.F16(width, storage);
            case Q8_0 -> {
                if (headSize % 32 != 0) throw new IllegalArgumentException("q8_0 cache needs a head size that is a multiple of 32, not " + headSize);
                yield new KvRows.Q8(width, storage);
            }
        };
    }
}
