package dev.jmoe.host.engine;

import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.kernel.WeightMatrix;
import dev.jmoe.host.model.RouterSpec;

/**
 * The ops a forward pass is written against. Activations are row-major {@code [tokens][width]} float
 * arrays; weights are where the {@link dev.jmoe.host.model.Placement} put them. The CPU implementation
 * is {@link CpuBackend}; a CUDA backend implements the same ops for the layers placed on a GPU.
 *
 * <p>Attention is split into storing the micro-batch's keys and values and attending over the cache, so a
 * latent-attention family (DeepSeek's MLA) can add its own pair of ops without touching the others.
 */
public interface Backend {
    /** out[t][r] = w row r · x[t], for t below tokens. */
    void matmul(WeightMatrix w, float[] x, int tokens, float[] out);

    /** The MoE product: out[i] = expert pairExpert[i] of w · x[pairToken[i]] (each chosen expert read once). */
    void experts(ExpertWeights w, float[] x, int tokens, int[] pairToken, int[] pairExpert, float[] out);

    /**
     * outs[i] = ws[i] · x as {@link #matmul} gives it, for several matrices of the same activations (attention's
     * q, k and v; a SwiGLU's gate and up): a backend may prepare x once for all of them.
     */
    default void matmul(WeightMatrix[] ws, float[] x, int tokens, float[][] outs) {
        for (int i = 0; i < ws.length; i++) matmul(ws[i], x, tokens, outs[i]);
    }

    /** outs[i] as {@link #experts} gives it for ws[i], for several expert stacks over the same pairs (gate and up). */
    default void experts(ExpertWeights[] ws, float[] x, int tokens, int[] pairToken, int[] pairExpert, float[][] outs) {
        for (int i = 0; i < ws.length; i++) experts(ws[i], x, tokens, pairToken, pairExpert, outs[i]);
    }

    /** Row t of {@code table} (as floats) for each token id, into out[t][cols]. */
    void embed(WeightMatrix table, int[] tokens, int from, int count, float[] out);

    /** out[r] = x[r] / rms(x[r]) · weight, for {@code rows} rows of {@code dim}; out may be x. */
    void rmsNorm(float[] x, int rows, int dim, float[] weight, float eps, float[] out);

    /** Rotates each of {@code heads} heads of each token in place by its position. */
    void rope(float[] x, int tokens, int heads, int headSize, int[] positions, RopeSpec rope);

    /** Writes the keys and values of each token into the cache at its position (keys only where the layer's rows are shared). */
    void storeKv(KvCache.Layer kv, float[] k, float[] v, int tokens, int[] positions);

    /** Causal attention of each token's query heads over cache positions 0 .. its own position. */
    void attention(float[] q, int tokens, int[] positions, KvCache.Layer kv, AttentionShape shape, float[] out);

    /**
     * Each token's experts from its router logits, as {@code spec} says (softmax or sigmoid scores, top-k of
     * score + {@code bias} within the allowed groups, weights normalised and scaled); bias may be null.
     */
    Routing route(float[] logits, int tokens, int experts, RouterSpec spec, float[] bias);

    /** out[i] = silu(gate[i]) · up[i] for i below n; out may be gate. */
    void swiglu(float[] gate, float[] up, int n, float[] out);

    /** acc[i] += x[i] for i below n. */
    void add(float[] acc, float[] x, int n);

    /**
     * Each token's expert output rows (n each, one per pair of {@code r}) weighted and summed into out
     * ({@link Routing#combine}); a backend may split the tokens over its threads.
     */
    default void combine(Routing r, float[] rows, int n, float[] out) {
        r.combine(rows, n, out, 0, r.tokens());
    }

    /**
     * A forward pass over a micro-batch of {@code tokens} tokens starts (a GPU backend may begin uploading the first
     * layer's experts here, so the upload runs while the layers before it compute).
     */
    default void beginPass(int tokens) {}

    /** The forward pass is done with its micro-batch (a GPU backend closes the pass's transfer figures here). */
    default void endOfPass() {}
}
