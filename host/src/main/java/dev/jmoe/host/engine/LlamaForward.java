package dev.jmoe.host.engine;

import dev.jmoe.host.model.AttentionWeights;
import dev.jmoe.host.model.LayerWeights;
import dev.jmoe.host.model.ModelConfig;
import dev.jmoe.host.model.ModelWeights;

/**
 * The forward pass of a transformer (llama, Mixtral, qwen3, qwen3moe, deepseek2) for one micro-batch, written
 * once against {@link Backend}. Per layer:
 * <pre>
 *   x += attention(rmsnorm(x))     grouped-query ({@link GroupedQueryAttention}) or latent ({@link LatentAttention})
 *   x += FFN(rmsnorm(x))           routed experts and/or a dense SwiGLU ({@link FeedForward})
 * </pre>
 * then logits = Woutput · rmsnorm(x) for the tokens asked for.
 */
public final class LlamaForward {
    private final ModelConfig c;
    private final ModelWeights w;
    private final Backend backend;
    private final FeedForward ffn;
    private final GroupedQueryAttention groupedQuery;
    private final LatentAttention latent;

    public LlamaForward(ModelConfig c, ModelWeights w, Backend backend) {
        this.c = c;
        this.w = w;
        this.backend = backend;
        this.ffn = new FeedForward(backend, c.isMoe() ? new ExpertExecutor(backend, c.experts(), c.moe().router()) : null);
        this.groupedQuery = c.mla() == null ? new GroupedQueryAttention(c, backend) : null;
        this.latent = c.mla() != null ? new LatentAttention(c, backend) : null;
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
        float[] out = new float[x.length];
        switch (lw.attention()) {
            case AttentionWeights.GroupedQuery g -> groupedQuery.run(g, h, n, positions, kv, out);
            case AttentionWeights.Latent l -> latent.run(l, h, n, positions, kv, out);
        }
        backend.add(x, out, x.length);
    }

    private void ffnBlock(LayerWeights lw, float[] x, int n) {
        float[] h = new float[x.length];
        backend.rmsNorm(x, n, c.embd(), lw.ffnNorm(), c.rmsEps(), h);
        float[] out = new float[x.length];
        ffn.run(lw, h, n, out);
        backend.add(x, out, x.length);
    }
}
