package dev.jmoe.host.kernel.quant;

import java.lang.foreign.MemorySegment;

/** Encodes one block of floats in one GGML block layout (round-to-nearest; no importance weighting). */
interface BlockQuantizer {
    /** Elements per block. */
    int blockSize();

    /** Writes the block made of {@code x[from .. from + blockSize)} at {@code out[at]}. */
    void block(float[] x, int from, MemorySegment out, long at);
}
