package dev.jmoe.host.engine;

import dev.jmoe.host.model.LayerWeights;
import dev.jmoe.host.model.ModelConfig;
import dev.jmoe.host.model.ModelWeights;

/**
 * The forward pass of the llama family (llama, Mixtral, qwen3, qwen3moe) for one micro-batch, written
 * once against {@link Backend}. Per layer:
 * <pre>
 *   h = rmsnorm(x) ; q,k,v = Wq h, Wk h, Wv h ; [qwen3: per-head rmsnorm of q, k] ; rope(q, k)
 *   cache(k, v) ; x += Wo · attention(q, cache)
 *   h = rmsnorm(x) ; x += MoE(h) (routed experts) or down(silu(gate h) · up h)
 * </pre>
 * then logits = Woutput · rmsnorm(x) for the tokens asked for.
 */
public final class LlamaForward {
    private final ModelConfig c;
    private final ModelWeights w;
    private final Backend backend;
    private final ExpertExecutor experts;
    private final AttentionShape attention;
    private final RopeSpec rope;

    public LlamaForward(ModelConfig c, ModelWeights w, Backend backend) {
        this.c = c;
        this.w = w;
        this.backend = backend;
        this.experts = c.isMoe() ? new ExpertExecutor(backend, c.experts(), c.expertsUsed()) : null;
        this.attention = new AttentionShape(c.heads(), c.kvHeads(), c.keyLength(), c.valueLength(), (float) (1 / Math.sqrt(c.keyLength())));
        this.rope = new RopeSpec(c.arch().rope, c.ropeDim(), c.ropeBase());
    }

    /**
     * Runs tokens[from .. from+n) at positions pos0 .. pos0+n-1 and returns the logits
     * [outputs][vocab] of the last {@code outputs} of them (0 ≤ outputs ≤ n).
     */
    public float[] forward(int[] tokens, int from, int n, int pos0, KvCache cache, int outputs) {
        int[] positions = new int[n];
        for (int t = 0; t < n; t++) positions[t] = pos0 + t;
        float[] x = new float[n * c.embd()];
        backend.embed(w.tokenEmbd(), tokens, from, n, x);
        for (int l = 0; l < c.layers(); l++) {
            LayerWeights lw = w.layers().get(l);
            attentionBlock(lw, x, n, positions, cache.layer(l));
            ffnBlock(lw, x, n);
        }
        if (outputs == 0) return new float[0];
        float[] last = new float[outputs * c.embd()];
        System.arraycopy(x, (n - outputs) * c.embd(), last, 0, last.length);
        backend.rmsNorm(last, outputs, c.embd(), w.outputNorm(), c.rmsEps(), last);
        float[] logits = new float[outputs * c.vocab()];
        backend.matmul(w.output(), last, outputs, logits);
        return logits;
    }

    private void attentionBlock(LayerWeights lw, float[] x, int n, int[] positions, KvCache.Layer kv) {
        float[] h = new float[x.length];
        backend.rmsNorm(x, n, c.embd(), lw.attnNorm(), c.rmsEps(), h);
        float[] q = new float[n * c.qDim()];
        float[] k = new float[n * c.kDim()];
        float[] v = new float[n * c.vDim()];
        backend.matmul(lw.q(), h, n, q);
        backend.matmul(lw.k(), h, n, k);
        backend.matmul(lw.v(), h, n, v);
        if (lw.qNorm() != null) {
            backend.rmsNorm(q, n * c.heads(), c.keyLength(), lw.qNorm(), c.rmsEps(), q);
            backend.rmsNorm(k, n * c.kvHeads(), c.keyLength(), lw.kNorm(), c.rmsEps(), k);
        }
        backend.rope(q, n, c.heads(), c.keyLength(), positions, rope);
        backend.rope(k, n, c.kvHeads(), c.keyLength(), positions, rope);
        backend.storeKv(kv, k, v, n, positions);
        float[] attended = new float[n * c.attnOutDim()];
        backend.attention(q, n, positions, kv, attention, attended);
        backend.matmul(lw.attnOutput(), attended, n, h);
        backend.add(x, h, x.length);
    }

    private void ffnBlock(LayerWeights lw, float[] x, int n) {
        float[] h = new float[x.length];
        backend.rmsNorm(x, n, c.embd(), lw.ffnNorm(), c.rmsEps(), h);
        float[] out = new float[x.length];
        if (lw.isMoe()) {
            experts.run(lw, h, n, out);
        } else {
            float[] gate = new float[n * c.ff()];
            float[] up = new float[n * c.ff()];
            backend.matmul(lw.ffnGate(), h, n, gate);
            backend.matmul(lw.ffnUp(), h, n, up);
            backend.swiglu(gate, up, gate.length, gate);
            backend.matmul(lw.ffnDown(), gate, n, out);
        }
        backend.add(x, out, x.length);
    }
}
