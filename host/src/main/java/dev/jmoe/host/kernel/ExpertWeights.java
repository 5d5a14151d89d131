package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A 3-D expert tensor: ggml shape [ne0 = cols, ne1 = rows, ne2 = experts], one matrix per expert, back to
 * back. It may have several identical replicas (one per NUMA node under {@code --numa mirror}); a worker
 * reads the one its {@link WorkerReplicas} names, every other reader replica 0.
 */
public record ExpertWeights(List<MemorySegment> replicas, GgmlType type, int cols, int rows, int experts) {
    public ExpertWeights {
        replicas = List.copyOf(replicas);
        if (replicas.isEmpty()) throw new IllegalArgumentException("expert tensor without data");
        if (experts <= 0) throw new IllegalArgumentException("expert tensor with " + experts + " experts");
        long need = Math.multiplyExact(Math.multiplyExact(type.bytesFor(cols), (long) rows), (long) experts);
        for (MemorySegment data : replicas) {
            if (data.byteSize() < need) {
                throw new IllegalArgumentException(type + " expert tensor " + cols + " x " + rows + " x " + experts
                        + " needs " + need + " bytes, the segment has " + data.byteSize());
            }
        }
    }

    /** One copy of the data. */
    public ExpertWeights(MemorySegment data, GgmlType type, int cols, int rows, int experts) {
        this(List.of(data), type, cols, rows, experts);
    }

    /** Replica 0's data. */
    public MemorySegment data() {
        return replicas.getFirst();
    }

    public int replicaCount() {
        return replicas.size();
    }

    /** Expert e's matrix in replica 0 (a slice; nothing copied). */
    public WeightMatrix expert(int e) {
        return expert(e, 0);
    }

    /** Expert e's matrix in {@code replica} (a slice; nothing copied). */
    public WeightMatrix expert(int e, int replica) {
        if (e < 0 || e >= experts) throw new IndexOutOfBoundsException("expert " + e + " of " + experts);
        long bytes = type.bytesFor(cols) * rows;
        return new WeightMatrix(replicas.get(replica).asSlice(bytes * e, bytes), type, cols, rows);
    }
}
