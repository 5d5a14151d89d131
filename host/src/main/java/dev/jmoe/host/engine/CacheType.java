package dev.jmoe.host.engine;

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

    /** Storage for {@code rows} cache rows of {@code width} floats each. */
    KvRows rows(int rows, int width, int headSize) {
        return switch (this) {
            case F32 -> new KvRows.F32(rows, width);
            case F16 -> new KvRows.F16(rows, width);
            case Q8_0 -> {
                if (headSize % 32 != 0) throw new IllegalArgumentException("q8_0 cache needs a head size that is a multiple of 32, not " + headSize);
                yield new KvRows.Q8(rows, width);
            }
        };
    }
}
