package dev.jmoe.host.kernel.quant;

import java.lang.foreign.MemorySegment;

/** Encodes one block of floats in one GGML block layout (round-to-nearest; no importance weighting). */
interface BlockQuantizer {
    /** Elements per block. */
    int blockSize();

    /** Writes the block made of {@code x[from .. from + blockSize)} at {@code out[at]}. */
    void block(float[] x, int from, MemorySegment out, long at);

    /** The extreme of x[from .. from + 32): the value of largest magnitude, with its sign (the first of equals). */
    static float extreme(float[] x, int from) {
        float e = 0;
        for (int i = from; i < from + 32; i++) if (Math.abs(x[i]) > Math.abs(e)) e = x[i];
        return e;
    }
}
