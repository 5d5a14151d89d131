package dev.jmoe.cuda.compute;

import dev.jmoe.host.gguf.GgmlType;

/**
 * {@code out[t * rows + r] = w row r · x[t * cols + k]} for the {@code rows × cols} matrix of {@code type} at
 * device address {@code weights}: one expert's product over the tokens routed to it. {@link GpuMatmul#multiply}
 * is the real one; CI uses a double that reads the fake device memory.
 */
@FunctionalInterface
public interface ExpertProduct {
    void multiply(long weights, GgmlType type, int cols, int rows, float[] x, int tokens, float[] out);
}
