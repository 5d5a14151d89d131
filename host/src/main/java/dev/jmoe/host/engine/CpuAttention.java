package dev.jmoe.host.engine;

import dev.jmoe.host.kernel.VectorMath;
import dev.jmoe.host.kernel.WorkerPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Causal attention over the KV cache on the CPU, in chunks of {@link #CHUNK} cached positions. A chunk's part of a
 * query's attention is its scores' maximum m, the sum l of e^(score − m) and the values weighted by those
 * numerators; the chunks of a query are then merged in position order (flash-attention's rescaling), and the sum
 * divided out. The chunks are fixed by position, not by the work split, and merged in the same order whoever computed
 * them, so a result does not depend on the worker count, on the tokens it was batched with or on the JIT's state.
 *
 * <p>A unit of work is a block of up to {@link #TOKEN_BLOCK} tokens against one chunk (where there are fewer token
 * blocks than workers, as in decode) or against all of its chunks in turn. It reads each cached row of its positions
 * once for all its tokens and all query heads, whole rows at a time: converting a block of contiguous f16 rows is a
 * loop C2 turns into the CPU's own half-to-float instructions, several times faster than converting a head's 64 values
 * per call. Scores run in tiles of queries by a block of positions (keys transposed per kv head, so no horizontal
 * sums), the weighted sums with the values' rows.
 */
final class CpuAttention {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private CpuAttention() {}

    /** Cached positions per chunk: a fixed split, so that results do not depend on how the work was cut. */
    static final int CHUNK = 256;
    /** Tokens of a batch that share each cached row read (its f16 → float conversion) in one unit. */
    static final int TOKEN_BLOCK = 16;
    /** Cached key rows transposed together for the scores: two vectors of positions per query. */
    static final int POSITION_BLOCK = 2 * F.length();
    /** Queries whose scores one tile computes: 12 accumulators, 2 key vectors and a broadcast fill AVX2's 16 registers. */
    private static final int QUERY_TILE = 6;
    /** Cached value rows converted to floats at a time for the weighted sums. */
    private static final int POSITION_TILE = 64;

    /** Per-worker buffers, grown as needed. */
    private static final class Scratch {
        /** Per query of the unit: its scores in the chunk, its chunk maximum and sum, its weighted values (chunks after the first). */
        float[] scores = new float[0], max = new float[0], sum = new float[0], weighted = new float[0];
        /** Per query of the unit: where it starts in q; the unit's queries in kv-head order, and where each kv head's begin. */
        int[] queryStart = new int[0], order = new int[0], groupStart = new int[0];
        /** Where a sum's vector lanes are stored to be added up. */
        final float[] lanes = new float[F.length()];
        /** Whole cached rows as floats: a block of key rows, a tile of value rows. */
        final float[] keyRows, valueRows;
        /** A block of one kv head's keys transposed: column k of position j at k·POSITION_BLOCK + j. */
        final float[] keys;

        Scratch(AttentionShape s, KvCache.Layer kv) {
            keyRows = new float[POSITION_BLOCK * kv.keys().width()];
            valueRows = new float[POSITION_TILE * kv.values().width()];
            keys = new float[s.keyLength() * POSITION_BLOCK];
        }

        private static final ThreadLocal<Scratch> CACHED = new ThreadLocal<>();

        /** This thread's scratch, kept from call to call while the rows fit (decode calls attention once per layer and token). */
        static Scratch of(AttentionShape s, KvCache.Layer kv) {
            Scratch sc = CACHED.get();
            if (sc == null || sc.keyRows.length < POSITION_BLOCK * kv.keys().width() || sc.valueRows.length < POSITION_TILE * kv.values().width()
                    || sc.keys.length < s.keyLength() * POSITION_BLOCK) {
                CACHED.set(sc = new Scratch(s, kv));
            }
            return sc;
        }

        void fit(int queries, int valueLength, int kvHeads) {
            if (scores.length < queries * CHUNK) scores = new float[queries * CHUNK];
            if (max.length < queries) {
                max = new float[queries];
                sum = new float[queries];
                queryStart = new int[queries];
                order = new int[queries];
            }
            if (groupStart.length < kvHeads + 1) groupStart = new int[kvHeads + 1];
            if (weighted.length < queries * valueLength) weighted = new float[queries * valueLength];
        }
    }

    /** Where the merged attention of each (token, head) stands: running maximum and sum; the weighted values are in out. */
    private record Merged(float[] max, float[] sum) {
        Merged(int queries) {
            this(filled(queries, Float.NEGATIVE_INFINITY), new float[queries]);
        }

        private static float[] filled(int n, float value) {
            float[] a = new float[n];
            Arrays.fill(a, value);
            return a;
        }
    }

    /**
     * The chunk parts a split call keeps until it merges them, reused by the calling thread from call to call: decode
     * of a DeepSeek-size model (128 heads of 512 values) at 32k positions keeps 128 chunks of each head, 33 MB.
     */
    private record Parts(float[] weighted, float[] max, float[] sum) {
        private static final ThreadLocal<Parts> CACHED = ThreadLocal.withInitial(() -> new Parts(new float[0], new float[0], new float[0]));

        static Parts of(int records, int valueLength) {
            Parts p = CACHED.get();
            if (p.max.length < records || p.weighted.length < records * valueLength) {
                CACHED.set(p = new Parts(new float[records * valueLength], new float[records], new float[records]));
            }
            return p;
        }
    }

    static void run(WorkerPool pool, float[] q, int tokens, int[] positions, KvCache.Layer kv, AttentionShape s, float[] out) {
        int heads = s.heads(), vl = s.valueLength();
        int blocks = Math.ceilDiv(tokens, TOKEN_BLOCK);
        int[] chunks = new int[blocks];
        for (int b = 0; b < blocks; b++) chunks[b] = Math.ceilDiv(seen(positions, b * TOKEN_BLOCK, blockEnd(b, tokens)), CHUNK);
        Merged merged = new Merged(tokens * heads);
        boolean split = blocks < pool.workers();
        // split: a unit per (block, chunk, part of the heads), each chunk's part kept and merged after; else a unit per
        // block, merged as it goes. Heads are parted only when the chunks alone leave workers idle (short contexts).
        int totalChunks = 0;
        for (int c : chunks) totalChunks += c;
        int parts = split ? Math.min(heads, Math.ceilDiv(pool.workers(), totalChunks)) : 1;
        int group = heads / s.kvHeads();
        int perPart = parts <= s.kvHeads() ? Math.ceilDiv(s.kvHeads(), parts) * group : Math.ceilDiv(heads, parts);
        int[] firstUnit = new int[blocks + 1];
        for (int b = 0; b < blocks; b++) firstUnit[b + 1] = firstUnit[b] + (split ? chunks[b] * parts : 1);
        int units = firstUnit[blocks];
        int[] partAt = new int[blocks + 1];   // split: where block b's chunk parts start, in (token, head)-chunk records
        for (int b = 0; b < blocks; b++) partAt[b + 1] = partAt[b] + (split ? (blockEnd(b, tokens) - b * TOKEN_BLOCK) * heads * chunks[b] : 0);
        Parts kept = Parts.of(partAt[blocks], vl);
        float[] partWeighted = kept.weighted, partMax = kept.max, partSum = kept.sum;
        AtomicInteger next = new AtomicInteger();
        pool.run((worker, workers) -> {
            Scratch sc = Scratch.of(s, kv);
            for (int u; (u = next.getAndIncrement()) < units; ) {
                int b = 0;
                while (firstUnit[b + 1] <= u) b++;
                int t0 = b * TOKEN_BLOCK, t1 = blockEnd(b, tokens);
                if (split) {
                    int c = (u - firstUnit[b]) / parts, h0 = ((u - firstUnit[b]) % parts) * perPart, h1 = Math.min(heads, h0 + perPart);
                    if (h0 >= h1) continue;
                    chunk(q, t0, t1, c, h0, h1, positions, kv, s, sc, partWeighted, (partAt[b] + c) * vl, chunks[b] * vl);
                    keep(sc, t0, t1, c, h0, h1, chunks[b], s, partAt[b], partMax, partSum);
                } else {
                    // chunk 0 weighs its values straight into out, the later chunks into the scratch to be folded in
                    for (int c = 0; c < chunks[b]; c++) {
                        if (c == 0) chunk(q, t0, t1, c, 0, heads, positions, kv, s, sc, out, t0 * heads * vl, vl);
                        else chunk(q, t0, t1, c, 0, heads, positions, kv, s, sc, sc.weighted, 0, vl);
                        merge(sc, t0, t1, c, positions, s, merged, out);
                    }
                    divide(out, merged, t0 * heads, t1 * heads, vl);
                }
            }
        });
        if (split) {
            Arrays.fill(out, 0, tokens * heads * vl, 0f);
            mergeKept(tokens, chunks, positions, s, partAt, partWeighted, partMax, partSum, merged, out);
            divide(out, merged, 0, tokens * heads, vl);
        }
    }

    /** out of queries (token·heads + head) from .. to divided by their sums. */
    private static void divide(float[] out, Merged merged, int from, int to, int vl) {
        for (int i = from; i < to; i++) {
            float l = merged.sum[i];
            for (int k = i * vl; k < (i + 1) * vl; k++) out[k] /= l;
        }
    }

    private static int blockEnd(int b, int tokens) {
        return Math.min(tokens, (b + 1) * TOKEN_BLOCK);
    }

    /** Positions the tokens t0..t1 see between them: up to the latest one's own. */
    private static int seen(int[] positions, int t0, int t1) {
        int seen = 0;
        for (int t = t0; t < t1; t++) seen = Math.max(seen, positions[t] + 1);
        return seen;
    }

    /** Query (token t, head h) of a unit of tokens from t0: its index among the unit's queries. */
    private static int query(int t, int t0, int h, int heads) {
        return (t - t0) * heads + h;
    }

    /**
     * Chunk c of every query of tokens t0..t1 into the scratch: for each query that sees any of its positions, the
     * chunk maximum, the sum of e^(score − maximum) and the values weighted by those numerators (queries that see
     * none of it get a maximum of −∞, a sum of 0 and no values); only query heads h0..h1. The weighted values of
     * the unit's query qi go to w[wAt + qi·wStride ..].
     */
    private static void chunk(float[] q, int t0, int t1, int c, int h0, int h1, int[] positions, KvCache.Layer kv, AttentionShape s,
                              Scratch sc, float[] w, int wAt, int wStride) {
        int heads = s.heads(), kvHeads = s.kvHeads(), group = heads / kvHeads, kl = s.keyLength(), vl = s.valueLength();
        int queries = (t1 - t0) * heads;
        sc.fit(queries, vl, kvHeads);
        int c0 = c * CHUNK, c1 = Math.min(seen(positions, t0, t1), c0 + CHUNK);
        float[] scores = sc.scores, keys = sc.keys, keyRows = sc.keyRows;
        int[] queryStart = sc.queryStart;
        int kWidth = kv.keys().width();
        // queries ordered by kv head, so that a head's queries sit side by side for the score tiles
        int g0 = h0 / group, g1 = Math.ceilDiv(h1, group);
        int[] order = sc.order, groupStart = sc.groupStart;
        int i = 0;
        for (int g = g0; g < g1; g++) {
            groupStart[g] = i;
            for (int t = t0; t < t1; t++) {
                for (int h = Math.max(h0, g * group); h < Math.min(h1, (g + 1) * group); h++, i++) {
                    order[i] = query(t, t0, h, heads);
                    queryStart[order[i]] = (t * heads + h) * kl;
                }
            }
            groupStart[g + 1] = i;
        }
        for (int p0 = c0; p0 < c1; p0 += POSITION_BLOCK) {
            int inBlock = Math.min(POSITION_BLOCK, c1 - p0);
            kv.keys().readRows(p0, inBlock, keyRows, 0);
            for (int g = g0; g < g1; g++) {
                for (int j = 0; j < inBlock; j++) {
                    int from = j * kWidth + g * kl;
                    for (int k = 0; k < kl; k++) keys[k * POSITION_BLOCK + j] = keyRows[from + k];
                }
                for (int j = inBlock; j < POSITION_BLOCK; j++) {
                    for (int k = 0; k < kl; k++) keys[k * POSITION_BLOCK + j] = 0f;
                }
                int end = groupStart[g + 1];
                for (i = groupStart[g]; i + QUERY_TILE <= end; i += QUERY_TILE) scores6(q, queryStart, order, i, keys, kl, scores, p0 - c0, s.scale());
                for (; i < end; i++) scores1(q, queryStart[order[i]], keys, kl, scores, order[i] * CHUNK + p0 - c0, s.scale());
            }
        }
        for (int t = t0; t < t1; t++) {
            int n = Math.min(c1, positions[t] + 1) - c0;   // this token's positions in the chunk
            for (int h = h0; h < h1; h++) {
                int qi = query(t, t0, h, heads);
                Arrays.fill(w, wAt + qi * wStride, wAt + qi * wStride + vl, 0f);
                if (n <= 0) {
                    sc.max[qi] = Float.NEGATIVE_INFINITY;
                    sc.sum[qi] = 0f;
                } else {
                    sc.max[qi] = max(scores, qi * CHUNK, n, sc.lanes);
                    sc.sum[qi] = numerators(scores, qi * CHUNK, n, sc.max[qi], sc.lanes);
                }
            }
        }
        int vWidth = kv.values().width();
        for (int p0 = c0; p0 < c1; p0 += POSITION_TILE) {
            int p1 = Math.min(c1, p0 + POSITION_TILE);
            kv.values().readRows(p0, p1 - p0, sc.valueRows, 0);
            for (int t = t0; t < t1; t++) {
                int last = Math.min(p1, positions[t] + 1);
                for (int h = h0; h < h1 && last > p0; h++) {
                    int qi = query(t, t0, h, heads);
                    if (h + 1 < h1 && (h + 1) / group == h / group && vl % (4 * F.length()) == 0) {   // two heads of a kv head share each value load
                        weightedSum2(scores, qi * CHUNK + p0 - c0, (qi + 1) * CHUNK + p0 - c0, sc.valueRows, (h / group) * vl, vWidth, last - p0, vl,
                                w, wAt + qi * wStride, wAt + (qi + 1) * wStride);
                        h++;
                    } else {
                        weightedSum(scores, qi * CHUNK + p0 - c0, sc.valueRows, (h / group) * vl, vWidth, last - p0, vl, w, wAt + qi * wStride);
                    }
                }
            }
        }
    }

    /**
     * Folds chunk c of each query (from the scratch, or from where {@link #keep} put it) into the merged state, in
     * position order: the running sum and values rescaled to the larger maximum, the chunk's too.
     */
    private static void merge(Scratch sc, int t0, int t1, int c, int[] positions, AttentionShape s, Merged merged, float[] out) {
        int heads = s.heads(), vl = s.valueLength();
        for (int t = t0; t < t1; t++) {
            if (positions[t] + 1 <= c * CHUNK) continue;
            for (int h = 0; h < heads; h++) {
                int qi = query(t, t0, h, heads);
                if (c == 0) {
                    merged.max[t * heads + h] = sc.max[qi];
                    merged.sum[t * heads + h] = sc.sum[qi];
                } else {
                    fold(merged, t * heads + h, sc.max[qi], sc.sum[qi], sc.weighted, qi * vl, out, vl);
                }
            }
        }
    }

    private static void fold(Merged merged, int at, float chunkMax, float chunkSum, float[] weighted, int from, float[] out, int vl) {
        float m = Math.max(merged.max[at], chunkMax);
        float old = (float) StrictMath.exp(merged.max[at] - m), now = (float) StrictMath.exp(chunkMax - m);
        merged.max[at] = m;
        merged.sum[at] = merged.sum[at] * old + chunkSum * now;
        int o = at * vl;
        for (int i = 0; i < vl; i++) out[o + i] = out[o + i] * old + weighted[from + i] * now;
    }

    /** Keeps chunk c of tokens t0..t1 (of a block with {@code chunks} chunks) at its place among the block's parts. */
    private static void keep(Scratch sc, int t0, int t1, int c, int h0, int h1, int chunks, AttentionShape s, int at,
                             float[] partMax, float[] partSum) {
        int heads = s.heads();
        for (int t = t0; t < t1; t++) for (int h = h0; h < h1; h++) {
            int qi = query(t, t0, h, heads), part = at + qi * chunks + c;
            partMax[part] = sc.max[qi];
            partSum[part] = sc.sum[qi];
        }
    }

    private static void mergeKept(int tokens, int[] chunks, int[] positions, AttentionShape s, int[] partAt,
                                  float[] partWeighted, float[] partMax, float[] partSum, Merged merged, float[] out) {
        int heads = s.heads(), vl = s.valueLength();
        for (int b = 0; b < chunks.length; b++) {
            int t0 = b * TOKEN_BLOCK, t1 = blockEnd(b, tokens);
            for (int t = t0; t < t1; t++) {
                for (int h = 0; h < heads; h++) {
                    int qi = query(t, t0, h, heads);
                    for (int c = 0; c < chunks[b] && positions[t] + 1 > c * CHUNK; c++) {
                        int part = partAt[b] + qi * chunks[b] + c;
                        fold(merged, t * heads + h, partMax[part], partSum[part], partWeighted, part * vl, out, vl);
                    }
                }
            }
        }
    }

    /** The largest of x[off ..off + n), a vector at a time (a maximum is exact, so the order does not matter). */
    private static float max(float[] x, int off, int n, float[] lanes) {
        int fl = F.length(), i = 0;
        float max = Float.NEGATIVE_INFINITY;
        if (n >= fl) {
            FloatVector m = FloatVector.fromArray(F, x, off);
            for (i = fl; i + fl <= n; i += fl) m = m.max(FloatVector.fromArray(F, x, off + i));
            m.intoArray(lanes, 0);
            for (int j = 0; j < fl; j++) max = Math.max(max, lanes[j]);
        }
        for (; i < n; i++) max = Math.max(max, x[off + i]);
        return max;
    }

    /**
     * Replaces x[off ..off + n) by exp(x − max) and returns their sum (vector exp and sums in a fixed order). The last
     * vector runs whole and its lanes past n are then set to 0 (a row of scores has room up to a whole chunk, and
     * nothing reads past n): one call of the exponential, not a second one for a tail, which C2 left out of the
     * caller's inlining (its node-count cutoff), and no mask from {@code indexInRange}, whose blend ran in the Vector
     * API's Java fallback on AVX2.
     */
    private static float numerators(float[] x, int off, int n, float max, float[] lanes) {
        FloatVector sums = FloatVector.zero(F);
        for (int i = 0; i < n; i += F.length()) {
            FloatVector e = VectorMath.expNonPositive(FloatVector.fromArray(F, x, off + i).sub(max));
            e.intoArray(x, off + i);
            if (i + F.length() > n) {
                for (int j = off + n; j < off + i + F.length(); j++) x[j] = 0f;
                e = FloatVector.fromArray(F, x, off + i);
            }
            sums = sums.add(e);
        }
        sums.intoArray(lanes, 0);
        return VectorMath.laneSum(lanes, 0, F.length());
    }

    /**
     * y[yOff + i] += Σ_p scores[sOff + p] · rows[p·stride + from + i] for p below count and i below n, in p order per
     * element, eight (or four, or one) vectors of y held in registers across the positions.
     */
    private static void weightedSum(float[] scores, int sOff, float[] rows, int from, int stride, int count, int n, float[] y, int yOff) {
        int fl = F.length(), i = 0;
        for (; i + 8 * fl <= n; i += 8 * fl) {
            FloatVector a0 = FloatVector.fromArray(F, y, yOff + i), a1 = FloatVector.fromArray(F, y, yOff + i + fl);
            FloatVector a2 = FloatVector.fromArray(F, y, yOff + i + 2 * fl), a3 = FloatVector.fromArray(F, y, yOff + i + 3 * fl);
            FloatVector a4 = FloatVector.fromArray(F, y, yOff + i + 4 * fl), a5 = FloatVector.fromArray(F, y, yOff + i + 5 * fl);
            FloatVector a6 = FloatVector.fromArray(F, y, yOff + i + 6 * fl), a7 = FloatVector.fromArray(F, y, yOff + i + 7 * fl);
            for (int p = 0; p < count; p++) {
                FloatVector w = FloatVector.broadcast(F, scores[sOff + p]);
                int v = p * stride + from + i;
                a0 = FloatVector.fromArray(F, rows, v).fma(w, a0);
                a1 = FloatVector.fromArray(F, rows, v + fl).fma(w, a1);
                a2 = FloatVector.fromArray(F, rows, v + 2 * fl).fma(w, a2);
                a3 = FloatVector.fromArray(F, rows, v + 3 * fl).fma(w, a3);
                a4 = FloatVector.fromArray(F, rows, v + 4 * fl).fma(w, a4);
                a5 = FloatVector.fromArray(F, rows, v + 5 * fl).fma(w, a5);
                a6 = FloatVector.fromArray(F, rows, v + 6 * fl).fma(w, a6);
                a7 = FloatVector.fromArray(F, rows, v + 7 * fl).fma(w, a7);
            }
            a0.intoArray(y, yOff + i);
            a1.intoArray(y, yOff + i + fl);
            a2.intoArray(y, yOff + i + 2 * fl);
            a3.intoArray(y, yOff + i + 3 * fl);
            a4.intoArray(y, yOff + i + 4 * fl);
            a5.intoArray(y, yOff + i + 5 * fl);
            a6.intoArray(y, yOff + i + 6 * fl);
            a7.intoArray(y, yOff + i + 7 * fl);
        }
        for (; i + fl <= n; i += fl) {
            FloatVector a = FloatVector.fromArray(F, y, yOff + i);
            for (int p = 0; p < count; p++) a = FloatVector.fromArray(F, rows, p * stride + from + i).fma(FloatVector.broadcast(F, scores[sOff + p]), a);
            a.intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            for (int p = 0; p < count; p++) y[yOff + i] += scores[sOff + p] * rows[p * stride + from + i];
        }
    }

    /**
     * {@link #weightedSum} for two queries over the same rows (n a whole number of four vectors): each row vector is
     * loaded once for both, and every element is summed in the same order as alone.
     */
    private static void weightedSum2(float[] scores, int sA, int sB, float[] rows, int from, int stride, int count, int n,
                                     float[] y, int yA, int yB) {
        int fl = F.length();
        for (int i = 0; i < n; i += 4 * fl) {
            FloatVector a0 = FloatVector.fromArray(F, y, yA + i), a1 = FloatVector.fromArray(F, y, yA + i + fl);
            FloatVector a2 = FloatVector.fromArray(F, y, yA + i + 2 * fl), a3 = FloatVector.fromArray(F, y, yA + i + 3 * fl);
            FloatVector b0 = FloatVector.fromArray(F, y, yB + i), b1 = FloatVector.fromArray(F, y, yB + i + fl);
            FloatVector b2 = FloatVector.fromArray(F, y, yB + i + 2 * fl), b3 = FloatVector.fromArray(F, y, yB + i + 3 * fl);
            for (int p = 0; p < count; p++) {
                FloatVector wa = FloatVector.broadcast(F, scores[sA + p]), wb = FloatVector.broadcast(F, scores[sB + p]);
                int v = p * stride + from + i;
                FloatVector r0 = FloatVector.fromArray(F, rows, v), r1 = FloatVector.fromArray(F, rows, v + fl);
                FloatVector r2 = FloatVector.fromArray(F, rows, v + 2 * fl), r3 = FloatVector.fromArray(F, rows, v + 3 * fl);
                a0 = r0.fma(wa, a0);
                b0 = r0.fma(wb, b0);
                a1 = r1.fma(wa, a1);
                b1 = r1.fma(wb, b1);
                a2 = r2.fma(wa, a2);
                b2 = r2.fma(wb, b2);
                a3 = r3.fma(wa, a3);
                b3 = r3.fma(wb, b3);
            }
            a0.intoArray(y, yA + i);
            a1.intoArray(y, yA + i + fl);
            a2.intoArray(y, yA + i + 2 * fl);
            a3.intoArray(y, yA + i + 3 * fl);
            b0.intoArray(y, yB + i);
            b1.intoArray(y, yB + i + fl);
            b2.intoArray(y, yB + i + 2 * fl);
            b3.intoArray(y, yB + i + 3 * fl);
        }
    }

    /**
     * The scores of queries order[i..i+5] (q[queryStart[query] ..]) against a block of transposed keys, scaled, into
     * scores[query·CHUNK + at ..]: lanes along the positions, each query element broadcast once for two FMAs. Every
     * score is summed in column order from zero, as {@link #scores1} sums it, so a query's scores do not depend on
     * the queries it shares a tile with.
     */
    private static void scores6(float[] q, int[] queryStart, int[] order, int i, float[] keys, int kl, float[] scores, int at, float scale) {
        int fl = F.length();
        int q0 = queryStart[order[i]], q1 = queryStart[order[i + 1]], q2 = queryStart[order[i + 2]];
        int q3 = queryStart[order[i + 3]], q4 = queryStart[order[i + 4]], q5 = queryStart[order[i + 5]];
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
        // written out: passed to a helper, the accumulators were boxed, one of them allocated on every column
        int o0 = order[i] * CHUNK + at, o1 = order[i + 1] * CHUNK + at, o2 = order[i + 2] * CHUNK + at;
        int o3 = order[i + 3] * CHUNK + at, o4 = order[i + 4] * CHUNK + at, o5 = order[i + 5] * CHUNK + at;
        a0.mul(scale).intoArray(scores, o0);
        a1.mul(scale).intoArray(scores, o0 + fl);
        b0.mul(scale).intoArray(scores, o1);
        b1.mul(scale).intoArray(scores, o1 + fl);
        c0.mul(scale).intoArray(scores, o2);
        c1.mul(scale).intoArray(scores, o2 + fl);
        d0.mul(scale).intoArray(scores, o3);
        d1.mul(scale).intoArray(scores, o3 + fl);
        e0.mul(scale).intoArray(scores, o4);
        e1.mul(scale).intoArray(scores, o4 + fl);
        f0.mul(scale).intoArray(scores, o5);
        f1.mul(scale).intoArray(scores, o5 + fl);
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
        a0.mul(scale).intoArray(scores, at);
        a1.mul(scale).intoArray(scores, at + fl);
    }
}
