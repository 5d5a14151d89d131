package dev.jmoe.host.engine;

import dev.jmoe.host.mem.LoadOptions;
import dev.jmoe.host.model.PlacementRules;

import java.util.Objects;

/**
 * How to load and run a model; the llama.cpp flags {@code -t}, {@code -c}, {@code -b}, {@code -ub},
 * {@code --cache-type-k}, {@code --cache-type-v}, the load flags and the placement flags ({@code -ngl},
 * {@code -ot}, {@code --cpu-moe}, {@code --n-cpu-moe}) and, for a GPU, the offload flags ({@link OffloadOptions}).
 *
 * @param context 0 for the model's trained context length, capped at {@link Engine#DEFAULT_CONTEXT_CAP}
 * @param batch   the most tokens a caller hands to one {@link Session#evaluate} call (logical batch)
 * @param ubatch  the most tokens one forward pass runs at once (physical micro-batch)
 */
public record EngineOptions(int threads, int context, int batch, int ubatch, CacheType cacheK, CacheType cacheV, LoadOptions load,
                            PlacementRules placement, OffloadOptions offload) {
    public EngineOptions {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        if (context < 0) throw new IllegalArgumentException("context size must not be negative, got " + context);
        if (batch < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
        if (ubatch < 1) throw new IllegalArgumentException("micro-batch size must be at least 1, got " + ubatch);
        Objects.requireNonNull(cacheK, "cacheK");
        Objects.requireNonNull(cacheV, "cacheV");
        Objects.requireNonNull(load, "load");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(offload, "offload");
    }

    /** With the default offload flags. */
    public EngineOptions(int threads, int context, int batch, int ubatch, CacheType cacheK, CacheType cacheV, LoadOptions load,
                         PlacementRules placement) {
        this(threads, context, batch, ubatch, cacheK, cacheV, load, placement, OffloadOptions.DEFAULTS);
    }

    /** Without placement flags: {@link PlacementRules#defaults()} ({@code -ngl auto}). */
    public EngineOptions(int threads, int context, int batch, int ubatch, CacheType cacheK, CacheType cacheV, LoadOptions load) {
        this(threads, context, batch, ubatch, cacheK, cacheV, load, PlacementRules.defaults());
    }

    /** llama.cpp's defaults: context of the model (capped), -b 2048, -ub 512, f16 cache; threads as given. */
    public static EngineOptions defaults(int threads) {
        return new EngineOptions(threads, 0, 2048, 512, CacheType.F16, CacheType.F16, LoadOptions.defaults());
    }

    public EngineOptions withContext(int context) {
        return new EngineOptions(threads, context, batch, ubatch, cacheK, cacheV, load, placement, offload);
    }

    public EngineOptions withBatch(int batch, int ubatch) {
        return new EngineOptions(threads, context, batch, ubatch, cacheK, cacheV, load, placement, offload);
    }

    public EngineOptions withCache(CacheType k, CacheType v) {
        return new EngineOptions(threads, context, batch, ubatch, k, v, load, placement, offload);
    }

    public EngineOptions withLoad(LoadOptions load) {
        return new EngineOptions(threads, context, batch, ubatch, cacheK, cacheV, load, placement, offload);
    }

    public EngineOptions withThreads(int threads) {
        return new EngineOptions(threads, context, batch, ubatch, cacheK, cacheV, load, placement, offload);
    }

    public EngineOptions withPlacement(PlacementRules placement) {
        return new EngineOptions(threads, context, batch, ubatch, cacheK, cacheV, load, placement, offload);
    }

    public EngineOptions withOffload(OffloadOptions offload) {
        return new EngineOptions(threads, context, batch, ubatch, cacheK, cacheV, load, placement, offload);
    }
}
