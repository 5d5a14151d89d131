package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/** {@link ScalarDot#integer} behind the {@link RowDot} interface, so matrix products can run on the reference. */
final class ScalarRowDot implements RowDot {
    static final ScalarRowDot INSTANCE = new ScalarRowDot();

    @Override
    public float dot(GgmlType type, MemorySegment w, long offset, Activation a, float[] scratch) {
        return (float) ScalarDot.integer(type, w, offset, a);
    }

    @Override
    public int vectorBits() {
        return 0;
    }
}
