package dev.jmoe.host.engine;

import dev.jmoe.host.kernel.VectorMath;
import dev.jmoe.host.kernel.WorkerPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Causal attention over the KV cache on the CPU. Work is split by (block of up to {@link #TOKEN_BLOCK}
 * tokens, kv head): each unit reads its cached key and value rows once, as floats, for all its tokens and
 * all the query heads that share them (GQA), and does the dot products and weighted sums with vectors. Where that gives fewer units than workers (decoding one
 * token; latent attention has a single kv head for all of DeepSeek's 128 heads) the heads of a group are
 * split into parts, each reading the rows again. Sums run in a fixed order per head, so results do not
 * depend on the worker count, the split or the JIT's state.
 */
final class CpuAttention {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private CpuAttention() {}

    /** Per-worker buffers, grown as needed. */
    private static final class Scratch {
        float[] scores = new float[0];
        final float[] row;
        final float[] values;
        float[] inverse;
        /** For one cached row: where each query that sees it starts in q, and where its score goes. */
        int[] queryStart = new int[0], scoreAt = new int[0];
        final float[] four = new float[4];

        Scratch(AttentionShape s) {
            row = new float[s.keyLength()];
            values = new float[POSITION_TILE * s.valueLength()];
            inverse = new float[s.heads() / s.kvHeads()];
        }
    }

    /** Tokens of a batch that share each cached row read (its f16 → float conversion) in one unit. */
    static final int TOKEN_BLOCK = 8;
    /** Cached value rows converted to floats at a time for the weighted sums (64 rows of 512: 128 KiB). */
    private static final int POSITION_TILE = 64;

    static void run(WorkerPool pool, float[] q, int tokens, int[] positions, KvCache.Layer kv, AttentionShape s, float[] out) {
        int group = s.heads() / s.kvHeads();
        int blocks = Math.ceilDiv(tokens, TOKEN_BLOCK);
        int groups = blocks * s.kvHeads();
        int parts = Math.min(group, Math.max(1, Math.ceilDiv(pool.workers(), groups)));
        int perPart = Math.ceilDiv(group, parts);
        int units = groups * parts;
        AtomicInteger next = new AtomicInteger();
        pool.run((worker, workers) -> {
            Scratch scratch = new Scratch(s);
            for (int u; (u = next.getAndIncrement()) < units; ) {
                int g = u / parts, first = (u % parts) * perPart;
                int t0 = (g / s.kvHeads()) * TOKEN_BLOCK;
                if (first < group) {
                    unit(q, t0, Math.min(tokens, t0 + TOKEN_BLOCK), g % s.kvHeads(), first, Math.min(perPart, group - first), positions, kv, s, scratch, out);
                }
            }
        });
    }

    /**
     * Query heads {@code from .. from+count} of kv head {@code kvHead}'s group, for tokens t0..t1: each cached
     * row is read once for all of them, and each (token, head) is computed exactly as it would be alone.
     */
    private static void unit(float[] q, int t0, int t1, int kvHead, int from, int count, int[] positions, KvCache.Layer kv,
                             AttentionShape s, Scratch sc, float[] out) {
        int maxSeen = 0;
        for (int t = t0; t < t1; t++) maxSeen = Math.max(maxSeen, positions[t] + 1);
        int queries = (t1 - t0) * count;
        if (sc.scores.length < queries * maxSeen) sc.scores = new float[queries * maxSeen];
        if (sc.inverse.length < queries) sc.inverse = new float[queries];
        if (sc.queryStart.length < queries) {
            sc.queryStart = new int[queries];
            sc.scoreAt = new int[queries];
        }
        float[] scores = sc.scores, row = sc.row, four = sc.four;
        int[] queryStart = sc.queryStart, scoreAt = sc.scoreAt;
        int firstOfGroup = kvHead * (s.heads() / s.kvHeads()) + from;
        int kl = s.keyLength();
        for (int p = 0; p < maxSeen; p++) {
            kv.keys().read(p, kvHead * kl, kl, row, 0);
            int live = 0;
            for (int t = t0; t < t1; t++) {
                if (p > positions[t]) continue;
                int head = t * s.heads() + firstOfGroup, query = (t - t0) * count;
                for (int j = 0; j < count; j++) {
                    queryStart[live] = (head + j) * kl;
                    scoreAt[live++] = (query + j) * maxSeen + p;
                }
            }
            int i = 0;
            for (; i + 4 <= live; i += 4) {
                dot4(q, queryStart[i], queryStart[i + 1], queryStart[i + 2], queryStart[i + 3], row, kl, four);
                for (int k = 0; k < 4; k++) scores[scoreAt[i + k]] = four[k] * s.scale();
            }
            for (; i < live; i++) scores[scoreAt[i]] = dot(q, queryStart[i], row, kl) * s.scale();
        }
        for (int t = t0; t < t1; t++) {
            int head = t * s.heads() + firstOfGroup, query = (t - t0) * count;
            for (int j = 0; j < count; j++) {
                sc.inverse[query + j] = softmaxNumerators(scores, (query + j) * maxSeen, positions[t] + 1);
                java.util.Arrays.fill(out, (head + j) * s.valueLength(), (head + j + 1) * s.valueLength(), 0f);
            }
        }
        int width = s.valueLength();
        for (int p0 = 0; p0 < maxSeen; p0 += POSITION_TILE) {
            int p1 = Math.min(maxSeen, p0 + POSITION_TILE);
            for (int p = p0; p < p1; p++) kv.values().read(p, kvHead * width, width, sc.values, (p - p0) * width);
            for (int t = t0; t < t1; t++) {
                int seen = Math.min(p1, positions[t] + 1);
                int head = t * s.heads() + firstOfGroup, query = (t - t0) * count;
                for (int j = 0; j < count && seen > p0; j++) {
                    weightedSum(scores, (query + j) * maxSeen, sc.inverse[query + j], sc.values, p0, seen, width, out, (head + j) * width);
                }
            }
        }
    }

    /**
     * y[yOff + i] += Σ_p (score_p · inverse) · values[p − p0][i] over positions p0..p1, in p order per element (as
     * one axpy per position would add them, bit for bit), four vectors of y held in registers across the positions.
     */
    private static void weightedSum(float[] scores, int sOff, float inverse, float[] values, int p0, int p1, int n, float[] y, int yOff) {
        int fl = F.length(), i = 0;
        for (; i + 4 * fl <= n; i += 4 * fl) {
            FloatVector a0 = FloatVector.fromArray(F, y, yOff + i), a1 = FloatVector.fromArray(F, y, yOff + i + fl);
            FloatVector a2 = FloatVector.fromArray(F, y, yOff + i + 2 * fl), a3 = FloatVector.fromArray(F, y, yOff + i + 3 * fl);
            for (int p = p0; p < p1; p++) {
                FloatVector w = FloatVector.broadcast(F, scores[sOff + p] * inverse);
                int v = (p - p0) * n + i;
                a0 = FloatVector.fromArray(F, values, v).fma(w, a0);
                a1 = FloatVector.fromArray(F, values, v + fl).fma(w, a1);
                a2 = FloatVector.fromArray(F, values, v + 2 * fl).fma(w, a2);
                a3 = FloatVector.fromArray(F, values, v + 3 * fl).fma(w, a3);
            }
            a0.intoArray(y, yOff + i);
            a1.intoArray(y, yOff + i + fl);
            a2.intoArray(y, yOff + i + 2 * fl);
            a3.intoArray(y, yOff + i + 3 * fl);
        }
        for (; i + fl <= n; i += fl) {
            FloatVector a = FloatVector.fromArray(F, y, yOff + i);
            for (int p = p0; p < p1; p++) a = FloatVector.fromArray(F, values, (p - p0) * n + i).fma(FloatVector.broadcast(F, scores[sOff + p] * inverse), a);
            a.intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            for (int p = p0; p < p1; p++) y[yOff + i] += scores[sOff + p] * inverse * values[(p - p0) * n + i];
        }
    }

    /** Replaces x[off ..] by exp(x - max) and returns 1 / their sum (vector exp and sums in a fixed order). */
    private static float softmaxNumerators(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        FloatVector sums = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - F.length(); i += F.length()) {
            FloatVector e = VectorMath.expNonPositive(FloatVector.fromArray(F, x, off + i).sub(max));
            e.intoArray(x, off + i);
            sums = sums.add(e);
        }
        float sum = VectorMath.laneSum(sums);
        if (i < n) {
            VectorMask<Float> tail = F.indexInRange(i, n);
            FloatVector e = VectorMath.expNonPositive(FloatVector.fromArray(F, x, off + i, tail).sub(max));
            e.intoArray(x, off + i, tail);
            sum += VectorMath.laneSum(FloatVector.zero(F).blend(e, tail));
        }
        return 1 / sum;
    }

    /**
     * The dots of four rows of {@code a} with {@code b}, each summed exactly as {@link #dot} sums it alone (so bit
     * for bit the same), as four independent chains that share the loads of {@code b}: one chain alone waits on
     * each FMA's latency.
     */
    private static void dot4(float[] a, int o0, int o1, int o2, int o3, float[] b, int n, float[] out) {
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F), c3 = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - F.length(); i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, b, i);
            c0 = FloatVector.fromArray(F, a, o0 + i).fma(x, c0);
            c1 = FloatVector.fromArray(F, a, o1 + i).fma(x, c1);
            c2 = FloatVector.fromArray(F, a, o2 + i).fma(x, c2);
            c3 = FloatVector.fromArray(F, a, o3 + i).fma(x, c3);
        }
        float s0 = VectorMath.laneSum(c0), s1 = VectorMath.laneSum(c1), s2 = VectorMath.laneSum(c2), s3 = VectorMath.laneSum(c3);
        for (; i < n; i++) {
            s0 += a[o0 + i] * b[i];
            s1 += a[o1 + i] * b[i];
            s2 += a[o2 + i] * b[i];
            s3 += a[o3 + i] * b[i];
        }
        out[0] = s0;
        out[1] = s1;
        out[2] = s2;
        out[3] = s3;
    }

    private static float dot(float[] a, int aOff, float[] b, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - F.length(); i += F.length()) {
            acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, i), acc);
        }
        float sum = VectorMath.laneSum(acc);
        for (; i < n; i++) sum += a[aOff + i] * b[i];
        return sum;
    }

}
