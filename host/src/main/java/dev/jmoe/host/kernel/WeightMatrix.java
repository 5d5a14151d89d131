package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * A 2-D weight tensor as the kernels see it: {@code rows} rows of {@code cols} elements (ggml ne0 = cols,
 * ne1 = rows), row-major in {@code data} from byte 0.
 */
public record WeightMatrix(MemorySegment data, GgmlType type, int cols, int rows) {
    public WeightMatrix {
        if (!ScalarDequant.supports(type)) throw new IllegalArgumentException("no kernel for tensor type " + type);
        if (cols <= 0 || rows <= 0) throw new IllegalArgumentException("weight matrix of " + cols + " x " + rows);
        long need = Math.multiplyExact(type.bytesFor(cols), (long) rows);
        if (data.byteSize() < need) {
            throw new IllegalArgumentException(type + " matrix of " + rows + " rows x " + cols + " columns needs "
                    + need + " bytes, the segment has " + data.byteSize());
        }
    }

    public long rowBytes() {
        return type.bytesFor(cols);
    }

    public long bytes() {
        return rowBytes() * rows;
    }
}
