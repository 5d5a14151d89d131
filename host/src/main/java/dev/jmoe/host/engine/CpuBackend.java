package dev.jmoe.host.engine;

import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.kernel.MatMul;
import dev.jmoe.host.kernel.RowDot;
import dev.jmoe.host.kernel.ScalarDequant;
import dev.jmoe.host.kernel.WeightMatrix;
import dev.jmoe.host.kernel.VectorMath;
import dev.jmoe.host.kernel.WorkerPool;
import dev.jmoe.host.kernel.WorkerReplicas;
import dev.jmoe.host.model.RopeStyle;
import dev.jmoe.host.model.RouterSpec;


/**
 * The backend ops on the host CPU: weight products through the vector kernels on a {@link WorkerPool},
 * attention ({@link CpuAttention}) on the same pool, and the elementwise ops (norms, rotations, routing,
 * SwiGLU, sums, the experts' weighted sum) split over the pool by token for a prompt batch, on the calling
 * thread for a decode step. Every output element is computed by one thread in a fixed order, so results do
 * not depend on the number of workers. Not thread-safe: one forward pass at a time (the products keep scratch).
 */
public final class CpuBackend implements Backend {
    private final WorkerPool pool;
    private final MatMul matMul;
    /**
     * Values from which an elementwise op is split over the workers (16 tokens of 1024). Run alone, the norm
     * and the rotations of a prompt batch were a few percent of its time with every other core waiting (more,
     * the more cores); a decode step's ops (one token, or its 16 heads for the per-head norm) are far below
     * it, where a hand-off would cost about what the work does.
     */
    static final int PARALLEL_VALUES = 16 * 1024;
    /** Elements per token-sized unit of a flat elementwise op (SwiGLU, sums): whole vectors of any width. */
    private static final int FLAT_UNIT = 1024;

    public CpuBackend(WorkerPool pool, RowDot dot) {
        this(pool, dot, WorkerReplicas.FIRST);
    }

    /** Each worker reads the replica of the expert weights that {@code replicas} names (its NUMA node's). */
    public CpuBackend(WorkerPool pool, RowDot dot, WorkerReplicas replicas) {
        this.pool = pool;
        this.matMul = new MatMul(pool, dot, replicas);
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
    public void matmul(WeightMatrix[] ws, float[] x, int tokens, float[][] outs) {
        matMul.matmul(ws, x, tokens, outs);
    }

    @Override
    public void experts(ExpertWeights[] ws, float[] x, int tokens, int[] pairToken, int[] pairExpert, float[][] outs) {
        matMul.experts(ws, x, tokens, pairToken, pairExpert, outs);
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
        forTokens(rows, (long) rows * dim, (r0, r1) -> rmsNorm(x, r0, r1, dim, weight, eps, out));
    }

    private static void rmsNorm(float[] x, int r0, int r1, int dim, float[] weight, float eps, float[] out) {
        for (int r = r0; r < r1; r++) {
            int base = r * dim;
            double sum = 0;
            for (int i = 0; i < dim; i++) sum += (double) x[base + i] * x[base + i];
            float scale = (float) (1.0 / Math.sqrt((float) (sum / dim) + eps));
            for (int i = 0; i < dim; i++) out[base + i] = x[base + i] * scale * weight[i];
        }
    }

    @Override
    public void rope(float[] x, int tokens, int heads, int headSize, int[] positions, RopeSpec rope) {
        forTokens(tokens, (long) tokens * heads * headSize, (t0, t1) -> rope(x, t0, t1, heads, headSize, positions, rope));
    }

    private static void rope(float[] x, int t0, int t1, int heads, int headSize, int[] positions, RopeSpec rope) {
        int pairs = rope.dims() / 2;
        float[] cos = new float[pairs];
        float[] sin = new float[pairs];
        float[] mix = rope.extrapolationMix();
        float interpolation = rope.scaling() == null ? 1f : 1f / rope.scaling().factor();
        // The angle shrinks by a constant factor per pair, in float steps as the reference takes them.
        float step = (float) Math.pow(rope.base(), -2.0 / rope.dims());
        for (int t = t0; t < t1; t++) {
            float theta = positions[t];
            for (int i = 0; i < pairs; i++) {
                float angle = rope.scaling() == null ? theta : theta * interpolation * (1 - mix[i]) + theta * mix[i];
                cos[i] = (float) Math.cos(angle);
                sin[i] = (float) Math.sin(angle);
                theta *= step;
            }
            for (int h = 0; h < heads; h++) rotate(x, (t * heads + h) * headSize + rope.first(), rope.style(), pairs, cos, sin);
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
        int kWidth = k.length / tokens;
        for (int t = 0; t < tokens; t++) kv.keys().write(positions[t], k, t * kWidth);
        if (kv.sharesRows()) return;
        int vWidth = v.length / tokens;
        for (int t = 0; t < tokens; t++) kv.values().write(positions[t], v, t * vWidth);
    }

    @Override
    public void attention(float[] q, int tokens, int[] positions, KvCache.Layer kv, AttentionShape s, float[] out) {
        CpuAttention.run(pool, q, tokens, positions, kv, s, out);
    }

    @Override
    public Routing route(float[] logits, int tokens, int experts, RouterSpec spec, float[] bias) {
        int used = spec.used();
        int[] chosen = new int[tokens * used];
        float[] weights = new float[tokens * used];
        forTokens(tokens, (long) tokens * experts * 16, (t0, t1) -> route(logits, t0, t1, experts, spec, bias, chosen, weights));
        return new Routing(tokens, used, chosen, weights);
    }

    private static void route(float[] logits, int t0, int t1, int experts, RouterSpec spec, float[] bias, int[] chosen, float[] weights) {
        int used = spec.used();
        float[] scores = new float[experts];
        float[] selection = new float[experts];
        boolean[] allowed = new boolean[experts];
        for (int t = t0; t < t1; t++) {
            if (spec.gating() == RouterSpec.Gating.SOFTMAX) softmax(logits, t * experts, experts, scores);
            else for (int e = 0; e < experts; e++) scores[e] = 1f / (1f + (float) Math.exp(-logits[t * experts + e]));
            for (int e = 0; e < experts; e++) selection[e] = bias == null ? scores[e] : scores[e] + bias[e];
            allowGroups(selection, spec, allowed);
            float sum = 0;
            for (int j = 0; j < used; j++) {
                int best = -1;
                for (int e = 0; e < experts; e++) if (allowed[e] && (best < 0 || selection[e] > selection[best])) best = e;
                chosen[t * used + j] = best;
                weights[t * used + j] = scores[best];
                sum += scores[best];
                allowed[best] = false; // taken
            }
            for (int j = 0; j < used; j++) {
                if (spec.normalize()) weights[t * used + j] /= sum;
                weights[t * used + j] *= spec.scale();
            }
        }
    }

    /**
     * Marks the experts that may be chosen: all of them, or with expert groups only those of the
     * {@code groupsUsed} groups whose two best selection scores sum highest (ties to the lower group).
     */
    private static void allowGroups(float[] selection, RouterSpec spec, boolean[] allowed) {
        int groups = spec.groups();
        if (groups == 1) {
            java.util.Arrays.fill(allowed, true);
            return;
        }
        int size = selection.length / groups;
        float[] rank = new float[groups];
        for (int g = 0; g < groups; g++) {
            float first = Float.NEGATIVE_INFINITY, second = Float.NEGATIVE_INFINITY;
            for (int e = g * size; e < (g + 1) * size; e++) {
                if (selection[e] > first) {
                    second = first;
                    first = selection[e];
                } else if (selection[e] > second) {
                    second = selection[e];
                }
            }
            rank[g] = size == 1 ? first : first + second;
        }
        java.util.Arrays.fill(allowed, false);
        boolean[] taken = new boolean[groups];
        for (int k = 0; k < spec.groupsUsed(); k++) {
            int best = -1;
            for (int g = 0; g < groups; g++) if (!taken[g] && (best < 0 || rank[g] > rank[best])) best = g;
            taken[best] = true;
            java.util.Arrays.fill(allowed, best * size, (best + 1) * size, true);
        }
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
        forFlat(n, (from, to) -> VectorMath.swiglu(gate, up, from, to, out));
    }

    @Override
    public void add(float[] acc, float[] x, int n) {
        forFlat(n, (from, to) -> {
            for (int i = from; i < to; i++) acc[i] += x[i];
        });
    }

    @Override
    public void combine(Routing r, float[] rows, int n, float[] out) {
        forTokens(r.tokens(), (long) r.tokens() * r.used() * n, (t0, t1) -> r.combine(rows, n, out, t0, t1));
    }

    /** Work on the indices [from, to) of a split op. */
    @FunctionalInterface
    private interface Range {
        void run(int from, int to);
    }

    /**
     * {@code body} over tokens 0..tokens in one contiguous range per worker, or on the calling thread where
     * {@code values} (what the op reads, about) is below {@link #PARALLEL_VALUES}.
     */
    private void forTokens(int tokens, long values, Range body) {
        int workers = pool.workers();
        if (values < PARALLEL_VALUES || tokens < 2 || workers == 1) {
            body.run(0, tokens);
            return;
        }
        pool.run((w, n) -> {
            int from = (int) ((long) tokens * w / n), to = (int) ((long) tokens * (w + 1) / n);
            if (from < to) body.run(from, to);
        });
    }

    /** {@code body} over elements 0..n in ranges of whole {@link #FLAT_UNIT}s (the last one ends at n). */
    private void forFlat(int n, Range body) {
        int units = (n + FLAT_UNIT - 1) / FLAT_UNIT;
        forTokens(units, n, (u0, u1) -> body.run(u0 * FLAT_UNIT, Math.min(n, u1 * FLAT_UNIT)));
    }
}
