package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * The dot product of one weight row with one prepared activation row: the innermost kernel of every
 * matrix product. Implementations are stateless and thread-safe.
 */
public interface RowDot {

    /**
     * Σ weight·activation over {@code a.length()} elements of the {@code type} row starting at byte
     * {@code offset} of {@code w}. The activation must be in {@link ActivationFormat#forWeight}(type).
     */
    float dot(GgmlType type, MemorySegment w, long offset, Activation a);

    /** Vector width in bits this kernel computes with (for reports). */
    int vectorBits();
}
