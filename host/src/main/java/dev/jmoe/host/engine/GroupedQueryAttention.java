package dev.jmoe.host.engine;

import dev.jmoe.host.kernel.WeightMatrix;
import dev.jmoe.host.model.AttentionWeights;
import dev.jmoe.host.model.ModelConfig;

/**
 * Grouped-query attention of the llama family for one micro-batch:
 * <pre>
 *   q,k,v = Wq h, Wk h, Wv h ; [qwen3: per-head rmsnorm of q, k] ; rope(q, k) ; cache(k, v)
 *   out = Wo · attention(q, cache)
 * </pre>
 */
final class GroupedQueryAttention {
    private final ModelConfig c;
    private final Backend backend;
    private final AttentionShape shape;
    private final RopeSpec rope;

    GroupedQueryAttention(ModelConfig c, Backend backend) {
        this.c = c;
        this.backend = backend;
        this.shape = new AttentionShape(c.heads(), c.kvHeads(), c.keyLength(), c.valueLength(), (float) (1 / Math.sqrt(c.keyLength())));
        this.rope = new RopeSpec(c.arch().rope, c.ropeDim(), c.ropeBase());
    }

    /** out = the attention block's output for the n tokens of h, each span attending over its own sequence's cache. */
    void run(AttentionWeights.GroupedQuery w, float[] h, int n, int[] positions, SequenceSpan[] spans, int layer, float[] out) {
        float[] q = new float[n * c.qDim()];
        float[] k = new float[n * c.kDim()];
        float[] v = new float[n * c.vDim()];
        backend.matmul(new WeightMatrix[] {w.q(), w.k(), w.v()}, h, n, new float[][] {q, k, v});
        if (w.qNorm() != null) {
            backend.rmsNorm(q, n * c.heads(), c.keyLength(), w.qNorm(), c.rmsEps(), q);
            backend.rmsNorm(k, n * c.kvHeads(), c.keyLength(), w.kNorm(), c.rmsEps(), k);
        }
        backend.rope(q, n, c.heads(), c.keyLength(), positions, rope);
        backend.rope(k, n, c.kvHeads(), c.keyLength(), positions, rope);
        float[] attended = new float[n * c.attnOutDim()];
        for (SequenceSpan s : spans) s.storeAndAttend(backend, layer, q, k, v, positions, shape, attended);
        backend.matmul(w.output(), attended, n, out);
    }
}
