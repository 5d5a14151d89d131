package dev.jmoe.host.engine;

import dev.jmoe.host.model.ModelConfig;

/**
 * Keys and values of every layer for positions 0 .. {@code capacity}-1. Which positions hold valid
 * entries is the session's business (its position counter): truncating is just moving that counter.
 * Latent attention (deepseek2) caches one compressed row per token, {@code [c | k_pe]}, that serves as the
 * key and whose c part is the value: its layers hold the same rows twice, stored in the key type.
 */
public final class KvCache {
    /** One layer's keys and values (the same rows for latent attention). */
    public record Layer(KvRows keys, KvRows values) {
        public boolean sharesRows() {
            return keys == values;
        }
    }

    private final Layer[] layers;
    private final int capacity;

    public KvCache(ModelConfig c, int capacity, CacheType keyType, CacheType valueType) {
        if (capacity <= 0) throw new IllegalArgumentException("context size must be positive, got " + capacity);
        long perLayer = (long) capacity * Math.max(c.kDim(), c.vDim());
        if (perLayer > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a context of " + capacity + " positions needs " + perLayer
                    + " cache values per layer, more than one Java array holds; use a smaller -c");
        }
        this.capacity = capacity;
        this.layers = new Layer[c.layers()];
        for (int i = 0; i < layers.length; i++) {
            if (c.mla() != null) {
                KvRows rows = keyType.rows(capacity, c.kDim(), c.kDim());
                layers[i] = new Layer(rows, rows);
            } else {
                layers[i] = new Layer(keyType.rows(capacity, c.kDim(), c.keyLength()), valueType.rows(capacity, c.vDim(), c.valueLength()));
            }
        }
    }

    /**
     * One line for the load log: values cached per token and layer, their types, and the size for
     * {@code positions}, e.g. {@code kv cache: latent 576 values per token and layer (kv_lora 512 + rope 64), f16, 3.4 MiB for 1024 positions}.
     */
    public static String describe(ModelConfig c, int positions, CacheType keyType, CacheType valueType) {
        String what;
        if (c.mla() != null) {
            what = "latent " + c.kDim() + " values per token and layer (kv_lora " + c.mla().kvLoraRank() + " + rope "
                    + c.mla().ropeDim() + "), " + keyType.label();
        } else {
            what = c.kDim() + " key + " + c.vDim() + " value values per token and layer, " + keyType.label() + "/" + valueType.label();
        }
        double mib = (double) KvCacheSizing.of(c, positions, keyType, valueType).bytesPerLayer() * c.layers() / (1 << 20);
        return String.format(java.util.Locale.ROOT, "kv cache: %s, %.1f MiB for %d positions", what, mib, positions);
    }

    public Layer layer(int i) {
        return layers[i];
    }

    public int capacity() {
        return capacity;
    }
}
