package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A 2-D weight tensor as the kernels see it: {@code rows} rows of {@code cols} elements (ggml ne0 = cols,
 * ne1 = rows), row-major from byte 0 of each replica. Usually one replica; under {@code --numa mirror}
 * with {@code --numa-mirror all} one per node, and a worker reads the one its {@link WorkerReplicas}
 * names, every other reader replica 0.
 */
public record WeightMatrix(List<MemorySegment> replicas, GgmlType type, int cols, int rows) {
    public WeightMatrix {
        replicas = List.copyOf(replicas);
        if (replicas.isEmpty()) throw new IllegalArgumentException("weight matrix without data");
        if (!ScalarDequant.supports(type)) throw new IllegalArgumentException("no kernel for tensor type " + type);
        if (cols <= 0 || rows <= 0) throw new IllegalArgumentException("weight matrix of " + cols + " x " + rows);
        long need = Math.multiplyExact(type.bytesFor(cols), (long) rows);
        for (MemorySegment data : replicas) {
            if (data.byteSize() < need) {
                throw new IllegalArgumentException(type + " matrix of " + rows + " rows x " + cols + " columns needs "
                        + need + " bytes, the segment has " + data.byteSize());
            }
        }
    }

    /** One copy of the data. */
    public WeightMatrix(MemorySegment data, GgmlType type, int cols, int rows) {
        this(List.of(data), type, cols, rows);
    }

    /** Replica 0's data. */
    public MemorySegment data() {
        return replicas.getFirst();
    }

    public int replicaCount() {
        return replicas.size();
    }

    /** This matrix as replica {@code r} holds it (replica 0 where it has no such replica). */
    public WeightMatrix replica(int r) {
        return replicas.size() == 1 ? this : new WeightMatrix(replicas.get(r < replicas.size() ? r : 0), type, cols, rows);
    }

    public long rowBytes() {
        return type.bytesFor(cols);
    }

    public long bytes() {
        return rowBytes() * rows;
    }
}
