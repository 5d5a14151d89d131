package dev.jmoe.host.model;

/**
 * What the KV cache takes per layer; each layer's part lives where that layer is placed.
 *
 * @param types how keys and values are stored, for the summary (e.g. {@code f16/f16})
 */
public record KvCacheSize(long bytesPerLayer, int positions, String types) {
    /** For a plan that does not know its cache (e.g. a bare tensor listing). */
    public static final KvCacheSize UNKNOWN = new KvCacheSize(0, 0, "");

    public KvCacheSize {
        if (bytesPerLayer < 0) throw new IllegalArgumentException("KV cache bytes must not be negative, got " + bytesPerLayer);
    }

    public boolean known() {
        return positions > 0;
    }
}
