package dev.jmoe.host.engine;

import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.kernel.MatMul;
import dev.jmoe.host.kernel.RowDot;
import dev.jmoe.host.kernel.ScalarDequant;
import dev.jmoe.host.kernel.WeightMatrix;
import dev.jmoe.host.kernel.WorkerPool;
import dev.jmoe.host.model.RopeStyle;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backend ops on the host CPU: weight products through the vector kernels on a {@link WorkerPool},
 * attention split over (token, head) pairs on the same pool, the cheap elementwise ops on the calling
 * thread. Every output element is computed by one thread in a fixed order, so results do not depend on
 * the number of workers. Not thread-safe: one forward pass at a time (the products keep scratch).
 */
public final class CpuBackend implements Backend {
    private final WorkerPool pool;
    private final MatMul matMul;

    public CpuBackend(WorkerPool pool, RowDot dot) {
        this.pool = pool;
        this.matMul = new MatMul(pool, dot);
    }

    @Override
    public void matmul(WeightMatrix w, float[] x, int tokens, float[] out) {
        matMul.matmul(w, x, tokens, out);
    }

    @Override
    public void experts(ExpertWeights w, float[] x, int tokens, int[] pairToken, int[] pairExpert, float[] out) {
        matMul.experts(w, x, tokens, pairToken, pairExpert, out);
    }

    @Override
    public void embed(WeightMatrix table, int[] tokens, int from, int count, float[] out) {
        for (int t = 0; t < count; t++) {
            int id = tokens[from + t];
            if (id < 0 || id >= table.rows()) throw new IndexOutOfBoundsException("token id " + id + " of " + table.rows());
            ScalarDequant.row(table.type(), table.data(), id * table.rowBytes(), table.cols(), out, t * table.cols());
        }
    }

    @Override
    public void rmsNorm(float[] x, int rows, int dim, float[] weight, float eps, float[] out) {
        for (int r = 0; r < rows; r++) {
            int base = r * dim;
            double sum = 0;
            for (int i = 0; i < dim; i++) sum += (double) x[base + i] * x[base + i];
            float scale = (float) (1.0 / Math.sqrt((float) (sum / dim) + eps));
            for (int i = 0; i < dim; i++) out[base + i] = x[base + i] * scale * weight[i];
        }
    }

    @Override
    public void rope(float[] x, int tokens, int heads, int headSize, int[] positions, RopeSpec rope) {
        int pairs = rope.dims() / 2;
        float[] cos = new float[pairs];
        float[] sin = new float[pairs];
        // The angle shrinks by a constant factor per pair, in float steps as the reference takes them.
        float step = (float) Math.pow(rope.base(), -2.0 / rope.dims());
        for (int t = 0; t < tokens; t++) {
            float theta = positions[t];
            for (int i = 0; i < pairs; i++) {
                cos[i] = (float) Math.cos(theta);
                sin[i] = (float) Math.sin(theta);
                theta *= step;
            }
            for (int h = 0; h < heads; h++) rotate(x, (t * heads + h) * headSize, rope.style(), pairs, cos, sin);
        }
    }

    private static void rotate(float[] x, int base, RopeStyle style, int pairs, float[] cos, float[] sin) {
        for (int i = 0; i < pairs; i++) {
            int a = style == RopeStyle.HALVES ? base + i : base + 2 * i;
            int b = style == RopeStyle.HALVES ? base + i + pairs : a + 1;
            float x0 = x[a], x1 = x[b];
            x[a] = x0 * cos[i] - x1 * sin[i];
            x[b] = x0 * sin[i] + x1 * cos[i];
        }
    }

    @Override
    public void storeKv(KvCache.Layer kv, float[] k, float[] v, int tokens, int[] positions) {
        int kWidth = k.length / tokens, vWidth = v.length / tokens;
        for (int t = 0; t < tokens; t++) {
            kv.keys().write(positions[t], k, t * kWidth);
            kv.values().write(positions[t], v, t * vWidth);
        }
    }

    @Override
    public void attention(float[] q, int tokens, int[] positions, KvCache.Layer kv, AttentionShape s, float[] out) {
        int units = tokens * s.heads();
        AtomicInteger next = new AtomicInteger();
        pool.run((worker, workers) -> {
            float[] scores = null;
            for (int u; (u = next.getAndIncrement()) < units; ) {
                int t = u / s.heads(), h = u % s.heads();
                int seen = positions[t] + 1;
                if (scores == null || scores.length < seen) scores = new float[seen];
                attendOne(q, t, h, seen, kv, s, scores, out);
            }
        });
    }

    private static void attendOne(float[] q, int t, int h, int seen, KvCache.Layer kv, AttentionShape s, float[] scores, float[] out) {
        int kvHead = h / (s.heads() / s.kvHeads());
        int qOff = (t * s.heads() + h) * s.keyLength();
        float max = Float.NEGATIVE_INFINITY;
        for (int p = 0; p < seen; p++) {
            scores[p] = kv.keys().dot(p, kvHead * s.keyLength(), q, qOff, s.keyLength()) * s.scale();
            max = Math.max(max, scores[p]);
        }
        double sum = 0;
        for (int p = 0; p < seen; p++) {
            scores[p] = (float) Math.exp(scores[p] - max);
            sum += scores[p];
        }
        float inverse = (float) (1 / sum);
        int oOff = (t * s.heads() + h) * s.valueLength();
        java.util.Arrays.fill(out, oOff, oOff + s.valueLength(), 0f);
        for (int p = 0; p < seen; p++) kv.values().addScaled(p, kvHead * s.valueLength(), scores[p] * inverse, out, oOff, s.valueLength());
    }

    @Override
    public Routing route(float[] logits, int tokens, int experts, int used) {
        int[] chosen = new int[tokens * used];
        float[] weights = new float[tokens * used];
        float[] probs = new float[experts];
        for (int t = 0; t < tokens; t++) {
            softmax(logits, t * experts, experts, probs);
            float sum = 0;
            for (int j = 0; j < used; j++) {
                int best = -1;
                for (int e = 0; e < experts; e++) if (probs[e] >= 0 && (best < 0 || probs[e] > probs[best])) best = e;
                chosen[t * used + j] = best;
                weights[t * used + j] = probs[best];
                sum += probs[best];
                probs[best] = -1; // taken
            }
            for (int j = 0; j < used; j++) weights[t * used + j] /= sum;
        }
        return new Routing(tokens, used, chosen, weights);
    }

    private static void softmax(float[] x, int off, int n, float[] out) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            out[i] = (float) Math.exp(x[off + i] - max);
            sum += out[i];
        }
        float inverse = (float) (1 / sum);
        for (int i = 0; i < n; i++) out[i] *= inverse;
    }

    @Override
    public void swiglu(float[] gate, float[] up, int n, float[] out) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            out[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }

    @Override
    public void add(float[] acc, float[] x, int n) {
        for (int i = 0; i < n; i++) acc[i] += x[i];
    }
}
