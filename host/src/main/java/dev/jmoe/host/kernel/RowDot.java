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

    /**
     * The dots of one weight row with four activation rows (all in the format the type needs) into
     * {@code out[0..3]}: a kernel can decode each weight block once for all four. By default, four dots.
     */
    default void dot4(GgmlType type, MemorySegment w, long offset, Activation a0, Activation a1, Activation a2,
                      Activation a3, float[] out) {
        out[0] = dot(type, w, offset, a0);
        out[1] = dot(type, w, offset, a1);
        out[2] = dot(type, w, offset, a2);
        out[3] = dot(type, w, offset, a3);
    }

    /** Vector width in bits this kernel computes with (for reports). */
    int vectorBits();
}
