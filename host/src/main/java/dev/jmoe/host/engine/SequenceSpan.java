package dev.jmoe.host.engine;

import java.util.Arrays;

/**
 * Tokens [first, first+count) of a micro-batch that belong to one sequence, whose cache is {@code cache}. A
 * micro-batch of one sequence is one span; a batched decode step has a span per sequence. Weight products
 * run over the whole micro-batch; storing keys and values and attending run per span.
 */
record SequenceSpan(int first, int count, KvCache cache) {
    /** The span's rows of a [tokens][width] array: the array itself when the span is the whole batch. */
    float[] rows(float[] a, int width) {
        if (first == 0 && count * width == a.length) return a;
        return Arrays.copyOfRange(a, first * width, (first + count) * width);
    }

    int[] rows(int[] a) {
        if (first == 0 && count == a.length) return a;
        return Arrays.copyOfRange(a, first, first + count);
    }

    /**
     * Stores the span's keys (and values, null where the cache's rows are shared) in layer {@code layer} of
     * its cache and attends its queries over that cache alone, into its rows of {@code out}.
     */
    void storeAndAttend(Backend backend, int layer, float[] q, float[] k, float[] v, int[] positions,
                        AttentionShape shape, float[] out) {
        int total = positions.length;
        KvCache.Layer kv = cache.layer(layer);
        int[] pos = rows(positions);
        backend.storeKv(kv, rows(k, k.length / total), v == null ? null : rows(v, v.length / total), count, pos);
        int outWidth = out.length / total;
        float[] mine = count == total ? out : new float[count * outWidth];
        backend.attention(rows(q, q.length / total), count, pos, kv, shape, mine);
        if (mine != out) System.arraycopy(mine, 0, out, first * outWidth, mine.length);
    }
}
