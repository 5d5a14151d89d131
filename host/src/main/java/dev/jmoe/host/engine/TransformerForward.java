package dev.jmoe.host.engine;

import dev.jmoe.host.model.AttentionWeights;
import dev.jmoe.host.model.LayerWeights;
import dev.jmoe.host.model.ModelConfig;
import dev.jmoe.host.model.ModelWeights;

/**
 * The forward pass of every supported architecture (llama, Mixtral, qwen3, qwen3moe, deepseek2) for one
 * micro-batch, written once against {@link Backend}. Per layer:
 * <pre>
 *   x += attention(rmsnorm(x))     grouped-query ({@link GroupedQueryAttention}) or latent ({@link LatentAttention})
 *   x += FFN(rmsnorm(x))           routed experts and/or a dense SwiGLU ({@link FeedForward})
 * </pre>
 * then logits = Woutput · rmsnorm(x) for the tokens asked for.
 *
 * <p>A micro-batch may hold tokens of several sequences ({@link #decode}): every weight product runs over all
 * of them at once (each weight row is read once for the batch), while storing keys and values and attending
 * run per sequence on that sequence's cache ({@link SequenceSpan}).
 */
public final class TransformerForward implements Forward {
    private final ModelConfig c;
    private final ModelWeights w;
    private final Backend backend;
    private final FeedForward ffn;
    private final GroupedQueryAttention groupedQuery;
    private final LatentAttention latent;

    public TransformerForward(ModelConfig c, ModelWeights w, Backend backend) {
        this.c = c;
        this.w = w;
        this.backend = backend;
        this.ffn = new FeedForward(backend, c.isMoe() ? new ExpertExecutor(backend, c.experts(), c.moe().router()) : null);
        this.groupedQuery = c.mla() == null ? new GroupedQueryAttention(c, backend) : null;
        this.latent = c.mla() != null ? new LatentAttention(c, backend) : null;
    }

    @Override
    public float[] forward(int[] tokens, int from, int n, int pos0, KvCache cache, int outputs) {
        int[] positions = new int[n];
        for (int t = 0; t < n; t++) positions[t] = pos0 + t;
        return run(tokens, from, n, positions, new SequenceSpan[] {new SequenceSpan(0, n, cache)}, outputs);
    }

    @Override
    public float[] decode(int[] tokens, int[] positions, KvCache[] caches) {
        int n = tokens.length;
        if (positions.length != n || caches.length != n) {
            throw new IllegalArgumentException(n + " tokens, " + positions.length + " positions and " + caches.length + " caches");
        }
        SequenceSpan[] spans = new SequenceSpan[n];
        for (int s = 0; s < n; s++) spans[s] = new SequenceSpan(s, 1, caches[s]);
        return run(tokens, 0, n, positions.clone(), spans, n);
    }

    private float[] run(int[] tokens, int from, int n, int[] positions, SequenceSpan[] spans, int outputs) {
        try {
            backend.beginPass(n);
            return layers(tokens, from, n, positions, spans, outputs);
        } finally {
            backend.endOfPass();
        }
    }

    private float[] layers(int[] tokens, int from, int n, int[] positions, SequenceSpan[] spans, int outputs) {
        float[] x = new float[n * c.embd()];
        backend.embed(w.tokenEmbd(), tokens, from, n, x);
        for (int l = 0; l < c.layers(); l++) {
            LayerWeights lw = w.layers().get(l);
            attentionBlock(lw, x, n, positions, spans, l);
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

    private void attentionBlock(LayerWeights lw, float[] x, int n, int[] positions, SequenceSpan[] spans, int layer) {
        float[] h = new float[x.length];
        backend.rmsNorm(x, n, c.embd(), lw.attnNorm(), c.rmsEps(), h);
        float[] out = new float[x.length];
        switch (lw.attention()) {
            case AttentionWeights.GroupedQuery g -> groupedQuery.run(g, h, n, positions, spans, layer, out);
            case AttentionWeights.Latent l -> latent.run(l, h, n, positions, spans, layer, out);
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
