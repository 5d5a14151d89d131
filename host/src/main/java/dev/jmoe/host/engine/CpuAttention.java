package dev.jmoe.host.engine;

import dev.jmoe.host.kernel.VectorMath;
import dev.jmoe.host.kernel.WorkerPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Causal attention over the KV cache on the CPU. Work is split by (block of up to {@link #TOKEN_BLOCK}
 * tokens, kv head): each unit reads its cached key and value rows once, as floats, for all its tokens and
 * all the query heads that share them (GQA): the scores in tiles of queries by a block of positions (keys
 * transposed, so no horizontal sums), the weighted sums with the values' rows. Where that gives fewer units than workers (decoding one
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
        /** Per query of the unit: where it starts in q, and where its row of scores starts. */
        int[] queryStart = new int[0], scoreAt = new int[0];
        /** Where a sum's vector lanes are stored to be added up. */
        final float[] lanes = new float[F.length()];
        /** A block of cached keys transposed: column k of position j at k·POSITION_BLOCK + j. */
        final float[] keys;

        Scratch(AttentionShape s) {
            row = new float[s.keyLength()];
            keys = new float[s.keyLength() * POSITION_BLOCK];
            values = new float[POSITION_TILE * s.valueLength()];
            inverse = new float[s.heads() / s.kvHeads()];
        }
    }

    /** Tokens of a batch that share each cached row read (its f16 → float conversion) in one unit. */
    static final int TOKEN_BLOCK = 8;
    /** Cached key rows transposed together for the scores: two vectors of positions per query. */
    static final int POSITION_BLOCK = 2 * F.length();
    /** Queries whose scores one tile computes: 12 accumulators, 2 key vectors and a broadcast fill AVX2's 16 registers. */
    private static final int QUERY_TILE = 6;
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
        // each query's scores in a row of whole position blocks; past its own position they are not read
        int stride = Math.ceilDiv(maxSeen, POSITION_BLOCK) * POSITION_BLOCK;
        int queries = (t1 - t0) * count;
        if (sc.scores.length < queries * stride) sc.scores = new float[queries * stride];
        if (sc.inverse.length < queries) sc.inverse = new float[queries];
        if (sc.queryStart.length < queries) {
            sc.queryStart = new int[queries];
            sc.scoreAt = new int[queries];
        }
        float[] scores = sc.scores, row = sc.row, keys = sc.keys;
        int[] queryStart = sc.queryStart, scoreAt = sc.scoreAt;
        int firstOfGroup = kvHead * (s.heads() / s.kvHeads()) + from;
        int kl = s.keyLength();
        for (int t = t0; t < t1; t++) {
            int head = t * s.heads() + firstOfGroup, query = (t - t0) * count;
            for (int j = 0; j < count; j++) {
                queryStart[query + j] = (head + j) * kl;
                scoreAt[query + j] = (query + j) * stride;
            }
        }
        for (int p0 = 0; p0 < maxSeen; p0 += POSITION_BLOCK) {
            int inBlock = Math.min(POSITION_BLOCK, maxSeen - p0);
            for (int j = 0; j < inBlock; j++) {
                kv.keys().read(p0 + j, kvHead * kl, kl, row, 0);
                for (int k = 0; k < kl; k++) keys[k * POSITION_BLOCK + j] = row[k];
            }
            for (int j = inBlock; j < POSITION_BLOCK; j++) {
                for (int k = 0; k < kl; k++) keys[k * POSITION_BLOCK + j] = 0f;
            }
            int i = 0;
            for (; i + QUERY_TILE <= queries; i += QUERY_TILE) scores6(q, queryStart, i, keys, kl, scores, scoreAt, p0, s.scale());
            for (; i < queries; i++) scores1(q, queryStart[i], keys, kl, scores, scoreAt[i] + p0, s.scale());
        }
        for (int t = t0; t < t1; t++) {
            int head = t * s.heads() + firstOfGroup, query = (t - t0) * count;
            for (int j = 0; j < count; j++) {
                sc.inverse[query + j] = softmaxNumerators(scores, (query + j) * stride, positions[t] + 1, sc.lanes);
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
                    weightedSum(scores, (query + j) * stride, sc.inverse[query + j], sc.values, p0, seen, width, out, (head + j) * width);
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

    /**
     * Replaces x[off ..off + n) by exp(x - max) and returns 1 / their sum (vector exp and sums in a fixed order).
     * The last vector runs whole, its lanes past n made 0 (a row of scores has room up to its stride, a multiple of
     * the vector length, and nothing reads past n): one call of the exponential, not a second one for a tail, which
     * C2 left out of {@code unit}'s inlining (its node-count cutoff) so that it ran the Vector API's Java fallback
     * once per query and head.
     */
    private static float softmaxNumerators(float[] x, int off, int n, float[] lanes) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        FloatVector sums = FloatVector.zero(F);
        for (int i = 0; i < n; i += F.length()) {
            FloatVector e = VectorMath.expNonPositive(FloatVector.fromArray(F, x, off + i).sub(max));
            e = FloatVector.zero(F).blend(e, F.indexInRange(i, n));
            e.intoArray(x, off + i);
            sums = sums.add(e);
        }
        sums.intoArray(lanes, 0);
        return 1 / VectorMath.laneSum(lanes, 0, F.length());
    }

    /**
     * The scores of queries i..i+5 (q[queryStart[i + m] ..]) against a block of transposed keys, scaled, into
     * scores[scoreAt[i + m] + p0 ..]: lanes along the positions, each query element broadcast once for two
     * FMAs. Every score is summed in column order from zero, as {@link #scores1} sums it, so a query's
     * scores do not depend on the queries it shares a tile with.
     */
    private static void scores6(float[] q, int[] queryStart, int i, float[] keys, int kl, float[] scores, int[] scoreAt, int p0, float scale) {
        int fl = F.length();
        int q0 = queryStart[i], q1 = queryStart[i + 1], q2 = queryStart[i + 2], q3 = queryStart[i + 3], q4 = queryStart[i + 4], q5 = queryStart[i + 5];
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), b0 = FloatVector.zero(F), b1 = FloatVector.zero(F);
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), d0 = FloatVector.zero(F), d1 = FloatVector.zero(F);
        FloatVector e0 = FloatVector.zero(F), e1 = FloatVector.zero(F), f0 = FloatVector.zero(F), f1 = FloatVector.zero(F);
        for (int k = 0; k < kl; k++) {
            FloatVector k0 = FloatVector.fromArray(F, keys, k * POSITION_BLOCK), k1 = FloatVector.fromArray(F, keys, k * POSITION_BLOCK + fl);
            FloatVector v = FloatVector.broadcast(F, q[q0 + k]);
            a0 = v.fma(k0, a0);
            a1 = v.fma(k1, a1);
            v = FloatVector.broadcast(F, q[q1 + k]);
            b0 = v.fma(k0, b0);
            b1 = v.fma(k1, b1);
            v = FloatVector.broadcast(F, q[q2 + k]);
            c0 = v.fma(k0, c0);
            c1 = v.fma(k1, c1);
            v = FloatVector.broadcast(F, q[q3 + k]);
            d0 = v.fma(k0, d0);
            d1 = v.fma(k1, d1);
            v = FloatVector.broadcast(F, q[q4 + k]);
            e0 = v.fma(k0, e0);
            e1 = v.fma(k1, e1);
            v = FloatVector.broadcast(F, q[q5 + k]);
            f0 = v.fma(k0, f0);
            f1 = v.fma(k1, f1);
        }
        store(a0, a1, scale, scores, scoreAt[i] + p0);
        store(b0, b1, scale, scores, scoreAt[i + 1] + p0);
        store(c0, c1, scale, scores, scoreAt[i + 2] + p0);
        store(d0, d1, scale, scores, scoreAt[i + 3] + p0);
        store(e0, e1, scale, scores, scoreAt[i + 4] + p0);
        store(f0, f1, scale, scores, scoreAt[i + 5] + p0);
    }

    /** One query's scores against a block of transposed keys, summed as {@link #scores6} sums them. */
    private static void scores1(float[] q, int q0, float[] keys, int kl, float[] scores, int at, float scale) {
        int fl = F.length();
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
        for (int k = 0; k < kl; k++) {
            FloatVector v = FloatVector.broadcast(F, q[q0 + k]);
            a0 = v.fma(FloatVector.fromArray(F, keys, k * POSITION_BLOCK), a0);
            a1 = v.fma(FloatVector.fromArray(F, keys, k * POSITION_BLOCK + fl), a1);
        }
        store(a0, a1, scale, scores, at);
    }

    private static void store(FloatVector low, FloatVector high, float scale, float[] scores, int at) {
        low.mul(scale).intoArray(scores, at);
        high.mul(scale).intoArray(scores, at + F.length());
    }
}
