package dev.jmoe.host.sample;

import java.util.HashMap;
import java.util.Map;

/** The last N tokens seen (prompt and generated), as the penalties need them: a ring and per-token counts. */
final class TokenHistory {

    private final int[] ring;
    private final Map<Integer, Integer> counts = new HashMap<>();
    private int size;
    private int next;

    TokenHistory(int capacity) {
        ring = new int[capacity];
    }

    void add(int token) {
        if (ring.length == 0) {
            return;
        }
        if (size == ring.length) {
            counts.merge(ring[next], -1, (a, b) -> a + b == 0 ? null : a + b);
        } else {
            size++;
        }
        ring[next] = token;
        next = (next + 1) % ring.length;
        counts.merge(token, 1, Integer::sum);
    }

    /** Occurrences of each token in the window; the map is live, do not modify it. */
    Map<Integer, Integer> counts() {
        return counts;
    }

    void clear() {
        counts.clear();
        size = 0;
        next = 0;
    }
}
