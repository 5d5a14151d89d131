package dev.jmoe.host.sample;

import java.util.Arrays;

/**
 * The tokens still in the running, most likely first (ties: lower id first), with their logits.
 * Built by partial selection when top-k is set, so a 260k vocabulary is never fully sorted then.
 *
 * <p>Each (logit, id) pair is packed into one {@code long} whose natural order is the ranking:
 * the logit's bits made order-preserving in the high half, {@code MAX_VALUE - id} in the low half.
 */
final class Candidates {

    final int[] ids;
    final float[] logits;
    int size;

    private Candidates(int capacity) {
        ids = new int[capacity];
        logits = new float[capacity];
    }

    /** The {@code k} best tokens (all when {@code k} is 0 or at least the vocabulary), ranked. */
    static Candidates best(float[] logits, int k) {
        int n = logits.length;
        if (n == 0) {
            throw new IllegalArgumentException("cannot sample from an empty logits vector");
        }
        int keep = k <= 0 || k >= n ? n : k;
        long[] keys = keep == n ? allKeys(logits) : topKeys(logits, keep);
        Arrays.sort(keys);
        Candidates c = new Candidates(keep);
        for (int i = 0; i < keep; i++) {
            int id = idOf(keys[keep - 1 - i]);
            c.ids[i] = id;
            c.logits[i] = logits[id];
        }
        c.size = keep;
        return c;
    }

    private static long[] allKeys(float[] logits) {
        long[] keys = new long[logits.length];
        for (int i = 0; i < logits.length; i++) {
            keys[i] = key(logits[i], i);
        }
        return keys;
    }

    /** A min-heap of the k best keys: O(n log k), and most tokens are rejected by one comparison. */
    private static long[] topKeys(float[] logits, int k) {
        long[] heap = new long[k];
        for (int i = 0; i < k; i++) {
            heap[i] = key(logits[i], i);
        }
        for (int i = k / 2 - 1; i >= 0; i--) {
            siftDown(heap, i);
        }
        for (int i = k; i < logits.length; i++) {
            long key = key(logits[i], i);
            if (key > heap[0]) {
                heap[0] = key;
                siftDown(heap, 0);
            }
        }
        return heap;
    }

    private static void siftDown(long[] heap, int i) {
        int n = heap.length;
        while (true) {
            int smallest = i;
            int left = 2 * i + 1;
            int right = left + 1;
            if (left < n && heap[left] < heap[smallest]) {
                smallest = left;
            }
            if (right < n && heap[right] < heap[smallest]) {
                smallest = right;
            }
            if (smallest == i) {
                return;
            }
            long t = heap[i];
            heap[i] = heap[smallest];
            heap[smallest] = t;
            i = smallest;
        }
    }

    static long key(float logit, int id) {
        if (Float.isNaN(logit)) {
            throw new IllegalArgumentException("logit of token " + id + " is NaN");
        }
        int bits = Float.floatToIntBits(logit == 0f ? 0f : logit); // -0 ranks like +0
        bits ^= (bits >> 31) & 0x7fffffff; // negative floats: reverse their order
        return ((long) bits << 32) | (Integer.MAX_VALUE - id);
    }

    private static int idOf(long key) {
        return Integer.MAX_VALUE - (int) (key & 0xffffffffL);
    }

    /** Probabilities of the current candidates at the given temperature (softmax, in double). */
    double[] probabilities(float temperature) {
        double[] p = new double[size];
        double max = logits[0];
        double sum = 0;
        for (int i = 0; i < size; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < size; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** Nucleus: keep the shortest ranked prefix whose probability reaches {@code topP} (at least one). */
    void keepTopP(float topP) {
        if (topP >= 1f) {
            return;
        }
        double[] p = probabilities(1f);
        double cumulative = 0;
        for (int i = 0; i < size; i++) {
            cumulative += p[i];
            if (cumulative >= topP) {
                size = i + 1;
                return;
            }
        }
    }

    /** Drop tokens whose probability is below {@code minP} × that of the most likely one. */
    void keepMinP(float minP) {
        if (minP <= 0f) {
            return;
        }
        double[] p = probabilities(1f);
        double threshold = minP * p[0];
        int keep = 1;
        while (keep < size && p[keep] >= threshold) {
            keep++;
        }
        size = keep;
    }
}
