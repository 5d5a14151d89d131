package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/** A 3-D expert tensor: ggml shape [ne0 = cols, ne1 = rows, ne2 = experts], one matrix per expert, back to back. */
public record ExpertWeights(MemorySegment data, GgmlType type, int cols, int rows, int experts) {
    public ExpertWeights {
        if (experts <= 0) throw new IllegalArgumentException("expert tensor with " + experts + " experts");
        long need = Math.multiplyExact(Math.multiplyExact(type.bytesFor(cols), (long) rows), (long) experts);
        if (data.byteSize() < need) {
            throw new IllegalArgumentException(type + " expert tensor " + cols + " x " + rows + " x " + experts
                    + " needs " + need + " bytes, the segment has " + data.byteSize());
        }
    }

    /** Expert e's matrix (a slice; nothing copied). */
    public WeightMatrix expert(int e) {
        if (e < 0 || e >= experts) throw new IndexOutOfBoundsException("expert " + e + " of " + experts);
        long bytes = type.bytesFor(cols) * rows;
        return new WeightMatrix(data.asSlice(bytes * e, bytes), type, cols, rows);
    }
}
