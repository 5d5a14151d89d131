package dev.jmoe.host.engine;

import dev.jmoe.host.model.LayerWeights;
import dev.jmoe.host.model.ModelConfig;
import dev.jmoe.host.model.ModelWeights;

import java.util.Arrays;

/**
 * The forward pass of the llama family (llama, Mixtral, qwen3, qwen3moe) for one micro-batch, written
 * once against {@link Backend}. Per layer:
 * <pre>
 *   h = rmsnorm(x) ; q,k,v = Wq h, Wk h, Wv h ; [qwen3: per-head rmsnorm of q, k] ; rope(q, k)
 *   cache(k, v) ; x += Wo · attention(q, cache)
 *   h = rmsnorm(x) ; x += MoE(h) (routed experts) or down(silu(gate h) · up h)
 * </pre>
 * then logits = Woutput · rmsnorm(x) for the tokens asked for.
 *
 * <p>A micro-batch may hold tokens of several sequences ({@link #decode}): every weight product runs over all
 * of them at once (each weight row is read once for the batch), while storing keys and values and attending
 * run per sequence on that sequence's cache ({@link Span}).
 */
public final class LlamaForward implements Forward {
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

    /** Tokens [first, first+count) of a micro-batch that belong to one sequence, whose cache is {@code cache}. */
    private record Span(int first, int count, KvCache cache) {}

    @Override
    public float[] forward(int[] tokens, int from, int n, int pos0, KvCache cache, int outputs) {
        int[] positions = new int[n];
        for (int t = 0; t < n; t++) positions[t] = pos0 + t;
        return run(tokens, from, n, positions, new Span[] {new Span(0, n, cache)}, outputs);
    }

    @Override
    public float[] decode(int[] tokens, int[] positions, KvCache[] caches) {
        int n = tokens.length;
        if (positions.length != n || caches.length != n) {
            throw new IllegalArgumentException(n + " tokens, " + positions.length + " positions and " + caches.length + " caches");
        }
        Span[] spans = new Span[n];
        for (int s = 0; s < n; s++) spans[s] = new Span(s, 1, caches[s]);
        return run(tokens, 0, n, positions.clone(), spans, n);
    }

    private float[] run(int[] tokens, int from, int n, int[] positions, Span[] spans, int outputs) {
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

    private void attentionBlock(LayerWeights lw, float[] x, int n, int[] positions, Span[] spans, int layer) {
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
        float[] attended = new float[n * c.attnOutDim()];
        for (Span s : spans) cacheAndAttend(s, layer, q, k, v, positions, attended);
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

    /** Stores one span's keys and values in its sequence's cache and attends over that cache alone. */
    private void cacheAndAttend(Span s, int layer, float[] q, float[] k, float[] v, int[] positions, float[] attended) {
        KvCache.Layer kv = s.cache().layer(layer);
        int[] pos = rows(positions, s, 1);
        float[] spanQ = rows(q, s, c.qDim());
        backend.storeKv(kv, rows(k, s, c.kDim()), rows(v, s, c.vDim()), s.count(), pos);
        float[] out = s.count() * c.attnOutDim() == attended.length ? attended : new float[s.count() * c.attnOutDim()];
        backend.attention(spanQ, s.count(), pos, kv, attention, out);
        if (out != attended) System.arraycopy(out, 0, attended, s.first() * c.attnOutDim(), out.length);
    }

    /** The span's rows of a [tokens][width] array: the array itself when the span is the whole batch. */
    private static float[] rows(float[] a, Span s, int width) {
        if (s.first() == 0 && s.count() * width == a.length) return a;
        return Arrays.copyOfRange(a, s.first() * width, (s.first() + s.count()) * width);
    }

    private static int[] rows(int[] a, Span s, int width) {
        if (s.first() == 0 && s.count() * width == a.length) return a;
        return Arrays.copyOfRange(a, s.first() * width, (s.first() + s.count()) * width);
    }
}
