package dev.jmoe.host.engine;

import dev.jmoe.host.model.ModelConfig;

/**
 * Keys and values of every layer for positions 0 .. {@code capacity}-1. Which positions hold valid
 * entries is the session's business (its position counter): truncating is just moving that counter.
 */
public final class KvCache {
    /** One layer's keys and values. */
    public record Layer(KvRows keys, KvRows values) {}

    private final Layer[] layers;
    private final int capacity;

    public KvCache(ModelConfig c, int capacity, CacheType keyType, CacheType valueType) {
        if (capacity <= 0) throw new IllegalArgumentException("context size must be positive, got " + capacity);
        this.capacity = capacity;
        this.layers = new Layer[c.layers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new Layer(keyType.rows(capacity, c.kDim(), c.keyLength()), valueType.rows(capacity, c.vDim(), c.valueLength()));
        }
    }

    public Layer layer(int i) {
        return layers[i];
    }

    public int capacity() {
        return capacity;
    }
}
