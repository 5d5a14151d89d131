package dev.jmoe.host.engine;

import dev.jmoe.host.kernel.WeightMatrix;
import dev.jmoe.host.model.AttentionWeights;
import dev.jmoe.host.model.LatentAttentionShape;
import dev.jmoe.host.model.ModelConfig;
import dev.jmoe.host.model.RopeScaling;

/**
 * DeepSeek's multi-head latent attention for one micro-batch, computed in the compressed space:
 * <pre>
 *   q = Wq_b · rmsnorm(Wq_a h)  (or Wq h)         per head [q_nope | q_pe]
 *   [c | k_pe] = Wkv_a h ; c = rmsnorm(c)          cached as one row per token
 *   rope(q_pe), rope(k_pe)                          (YaRN where the model has it)
 *   q_lat = [k_bᵀ q_nope | q_pe]                    per head: the query absorbed into the latent space
 *   o_lat = softmax(q_lat · [c | k_pe] · scale) · c  one shared key/value row per position (MQA-like)
 *   out = Wo · (v_b o_lat per head)
 * </pre>
 * This equals the expanded form (k = [k_b c | k_pe], v = v_b c per head) exactly in real arithmetic, and
 * the cache holds kv_lora + rope values per token instead of heads × (key + value). The same path serves
 * prefill and decode, so both give the same logits.
 */
final class LatentAttention {
    private final ModelConfig c;
    private final LatentAttentionShape s;
    private final Backend backend;
    private final AttentionShape shape;
    private final RopeSpec queryRope;
    private final RopeSpec keyRope;

    LatentAttention(ModelConfig c, Backend backend) {
        this.c = c;
        this.s = c.mla();
        this.backend = backend;
        RopeScaling yarn = c.ropeScaling();
        float mscale = yarn == null ? 1f : yarn.mscale();
        float scale = (float) (mscale * mscale / Math.sqrt(s.keyLength()));
        this.shape = new AttentionShape(c.heads(), 1, s.cacheWidth(), s.kvLoraRank(), scale);
        this.queryRope = new RopeSpec(c.arch().rope, s.ropeDim(), c.ropeBase(), s.nopeDim(), yarn);
        this.keyRope = new RopeSpec(c.arch().rope, s.ropeDim(), c.ropeBase(), s.kvLoraRank(), yarn);
    }

    /** out = the attention block's output for the n tokens of h, each span attending over its own sequence's cache. */
    void run(AttentionWeights.Latent w, float[] h, int n, int[] positions, SequenceSpan[] spans, int layer, float[] out) {
        int heads = c.heads(), key = s.keyLength(), lora = s.kvLoraRank(), width = s.cacheWidth();
        float[] q = new float[n * heads * key];
        float[] row = new float[n * width];
        if (w.qA() != null) {
            float[] low = new float[n * s.qLoraRank()];
            backend.matmul(new WeightMatrix[] {w.qA(), w.kvA()}, h, n, new float[][] {low, row});
            backend.rmsNorm(low, n, s.qLoraRank(), w.qANorm(), c.rmsEps(), low);
            backend.matmul(w.q(), low, n, q);
        } else {
            backend.matmul(new WeightMatrix[] {w.q(), w.kvA()}, h, n, new float[][] {q, row});
        }
        normalizeLatent(row, n, w.kvANorm());
        backend.rope(q, n, heads, key, positions, queryRope);
        backend.rope(row, n, 1, width, positions, keyRope);

        // Pair i = (token i / heads, head i % heads) runs head i % heads's matrix: all heads in one product.
        int pairs = n * heads;
        int[] self = new int[pairs], head = new int[pairs];
        for (int i = 0; i < pairs; i++) {
            self[i] = i;
            head[i] = i % heads;
        }
        float[] nope = new float[pairs * s.nopeDim()];
        for (int i = 0; i < pairs; i++) System.arraycopy(q, i * key, nope, i * s.nopeDim(), s.nopeDim());
        float[] absorbed = new float[pairs * lora];
        backend.experts(w.keyAbsorb(), nope, pairs, self, head, absorbed);
        float[] query = new float[pairs * width];
        for (int i = 0; i < pairs; i++) {
            System.arraycopy(absorbed, i * lora, query, i * width, lora);
            System.arraycopy(q, i * key + s.nopeDim(), query, i * width + lora, s.ropeDim());
        }
        float[] latent = new float[pairs * lora];
        for (SequenceSpan span : spans) span.storeAndAttend(backend, layer, query, row, null, positions, shape, latent);
        float[] values = new float[pairs * s.valueDim()];
        backend.experts(w.valueUp(), latent, pairs, self, head, values);
        backend.matmul(w.output(), values, n, out);
    }

    /** RMSNorm of the c part (the first kv_lora values) of each token's cache row, in place. */
    private void normalizeLatent(float[] row, int n, float[] weight) {
        int lora = s.kvLoraRank(), width = s.cacheWidth();
        float[] part = new float[lora];
        for (int t = 0; t < n; t++) {
            System.arraycopy(row, t * width, part, 0, lora);
            backend.rmsNorm(part, 1, lora, weight, c.rmsEps(), part);
            System.arraycopy(part, 0, row, t * width, lora);
        }
    }
}
