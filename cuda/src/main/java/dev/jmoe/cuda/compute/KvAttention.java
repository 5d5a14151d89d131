package dev.jmoe.cuda.compute;

import dev.jmoe.host.engine.AttentionShape;
import dev.jmoe.host.engine.KvCache;

/** Attention on a device over its mirror of a layer's KV cache: what {@link GpuAttention} does, as the backend uses it. */
public interface KvAttention {
    /** Mirrors the rows the host just stored at {@code positions} (the host cache holds them; nothing else is needed). */
    void store(KvCache.Layer kv, int tokens, int[] positions);

    /** Whether every position up to {@code last} of {@code kv} is mirrored. */
    boolean mirrors(KvCache.Layer kv, int last);

    /** {@link dev.jmoe.host.engine.Backend#attention} over the mirror. */
    void attend(float[] q, int tokens, int[] positions, KvCache.Layer kv, AttentionShape s, float[] out);
}
