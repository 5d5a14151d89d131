package dev.jmoe.host.engine;

/**
 * The prompt-processing offload flags, which matter only where a GPU backend runs: {@code --offload-batch-size}
 * (when a MoE layer's host experts go to the GPU), {@code --expert-pin} ({@code off|copy|register}; null: chosen
 * at load), {@code --pin-cache-gib} (null: half the available memory) and {@code --pin-eager}.
 */
public record OffloadOptions(OffloadBatchSize batchSize, String expertPin, Double pinCacheGib, boolean pinEager) {
    public static final OffloadOptions DEFAULTS = new OffloadOptions(OffloadBatchSize.DEFAULT, null, null, false);

    public OffloadOptions {
        java.util.Objects.requireNonNull(batchSize, "batchSize");
    }
}
