package dev.jmoe.host.gguf;

import java.lang.foreign.MemorySegment;

/**
 * Tensor data that another layer placed ({@code --numa}: copies on chosen nodes), where a tensor may
 * have several replicas (one per NUMA node under {@code --numa mirror}). Closed with the
 * {@link TensorDataSource} that serves it.
 */
public interface PlacedTensors extends AutoCloseable {
    /** The data of {@code tensor} in {@code replica} (0 ≤ replica &lt; {@link #replicasOf}), read-only. */
    MemorySegment segment(GgufTensorInfo tensor, int replica);

    /** How many replicas of {@code tensor} exist; 1 for a tensor that lives once. */
    int replicasOf(GgufTensorInfo tensor);

    @Override
    void close();
}
