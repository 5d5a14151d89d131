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

    /**
     * {@code out[i * rows ..] = expert pairExpert[i] · x[pairToken[i] * cols ..]} ({@code tokens} rows in x) for a stack of {@code experts}
     * matrices of {@code type}, expert e's at device address {@code stack + e * expertBytes}. By default one
     * {@link #multiply} per routed expert over its tokens ({@link PerExpertProducts}); {@link GpuMatmul} runs few
     * tokens' pairs in one launch.
     */
    default void pairs(long stack, long expertBytes, GgmlType type, int cols, int rows, int experts, float[] x, int tokens,
                       int[] pairToken, int[] pairExpert, float[] out) {
        PerExpertProducts.run(this, type, cols, rows, experts, e -> stack + e * expertBytes, x, pairToken, pairExpert, out);
    }
}
