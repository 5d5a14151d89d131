package dev.jmoe.host.engine;

import dev.jmoe.host.model.KvCacheSize;
import dev.jmoe.host.model.ModelConfig;

/**
 * The KV cache's size for the placement plan, from the same widths {@link KvCache} allocates (a key row
 * of {@link ModelConfig#kDim()} and a value row of {@link ModelConfig#vDim()} per position and layer),
 * at the byte sizes ggml gives the cache types, which a GPU cache will use: f32 4, f16 2, q8_0 34 per 32.
 * (DeepSeek's latent cache: one compressed row of keys, no value row.)
 */
public final class KvCacheSizing {
    private KvCacheSizing() {}

    public static KvCacheSize of(ModelConfig c, int positions, CacheType keys, CacheType values) {
        long perLayer = (long) positions * (keys.rowBytes(c.kDim()) + values.rowBytes(c.vDim()));
        return new KvCacheSize(perLayer, positions, c.mla() != null ? keys.label() : keys.label() + "/" + values.label());
    }

}
