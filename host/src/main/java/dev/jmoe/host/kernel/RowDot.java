package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * The dot product of one weight row with one prepared activation row: the innermost kernel of every
 * matrix product. Implementations are stateless and thread-safe.
 */
public interface RowDot {
    /**
     * Floats of the scratch array a kernel is handed: where it stores its accumulators' lanes to sum them
     * ({@link VectorMath#laneSum}). One per thread, reused from call to call; allocating it per call cost
     * 10–15% on rows of 128 elements (the per-head products of latent attention).
     */
    int SCRATCH = 128;

    /**
     * Σ weight·activation over {@code a.length()} elements of the {@code type} row starting at byte
     * {@code offset} of {@code w}. The activation must be in {@link ActivationFormat#forWeight}(type);
     * {@code scratch} holds at least {@link #SCRATCH} floats, and the kernel overwrites them.
     */
    float dot(GgmlType type, MemorySegment w, long offset, Activation a, float[] scratch);

    /** As {@link #dot(GgmlType, MemorySegment, long, Activation, float[])} with a scratch array of its own. */
    default float dot(GgmlType type, MemorySegment w, long offset, Activation a) {
        return dot(type, w, offset, a, new float[SCRATCH]);
    }

    /**
     * The dots of {@code count} rows, {@code rowBytes} apart from {@code offset}, with one activation into
     * {@code out[at .. at + count)}: a matrix-vector product's inner loop, which a kernel can check and
     * dispatch once for. By default, one {@link #dot} per row.
     */
    default void dotRows(GgmlType type, MemorySegment w, long offset, long rowBytes, int count, Activation a,
                         float[] out, int at, float[] scratch) {
        for (int r = 0; r < count; r++) out[at + r] = dot(type, w, offset + r * rowBytes, a, scratch);
    }

    /**
     * The dots of one weight row with four activation rows (all in the format the type needs) into
     * {@code out[0..3]}: a kernel can decode each weight block once for all four. By default, four dots.
     */
    default void dot4(GgmlType type, MemorySegment w, long offset, Activation a0, Activation a1, Activation a2,
                      Activation a3, float[] out, float[] scratch) {
        out[0] = dot(type, w, offset, a0, scratch);
        out[1] = dot(type, w, offset, a1, scratch);
        out[2] = dot(type, w, offset, a2, scratch);
        out[3] = dot(type, w, offset, a3, scratch);
    }

    /** As {@link #dot4(GgmlType, MemorySegment, long, Activation, Activation, Activation, Activation, float[], float[])} with a scratch array of its own. */
    default void dot4(GgmlType type, MemorySegment w, long offset, Activation a0, Activation a1, Activation a2,
                      Activation a3, float[] out) {
        dot4(type, w, offset, a0, a1, a2, a3, out, new float[SCRATCH]);
    }

    static void checkScratch(float[] scratch) {
        if (scratch.length < SCRATCH) throw new IllegalArgumentException("a kernel's scratch needs " + SCRATCH + " floats, got " + scratch.length);
    }

    /** Vector width in bits this kernel computes with (for reports). */
    int vectorBits();
}
