package dev.jmoe.host.tokenizer;

import dev.jmoe.host.gguf.GgufFormatException;
import dev.jmoe.host.gguf.GgufMetadata;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Byte-level BPE merging of one word: start from single characters and repeatedly join the adjacent pair
 * whose merge comes first in {@code tokenizer.ggml.merges} (the leftmost such pair on ties) until no
 * adjacent pair has a merge. A priority queue keeps this O(n log n) in the word length.
 */
final class BpeMerges {
    static final String KEY = "tokenizer.ggml.merges";

    /** "left right" → rank (its position in the merge list). */
    private final Map<String, Integer> ranks;

    private BpeMerges(Map<String, Integer> ranks) {
        this.ranks = ranks;
    }

    static BpeMerges fromMetadata(GgufMetadata md) {
        if (!md.contains(KEY)) throw new GgufFormatException(null, "a gpt2 (BPE) vocabulary needs " + KEY + ", which is missing");
        List<String> merges = md.getStringArray(KEY);
        Map<String, Integer> ranks = HashMap.newHashMap(merges.size());
        for (int i = 0; i < merges.size(); i++) {
            String m = merges.get(i);
            if (m.indexOf(' ', 1) < 0) throw new GgufFormatException(null, md.offsetOf(KEY), KEY + "[" + i + "] = '" + m + "' is not 'left right'");
            ranks.putIfAbsent(m, i);
        }
        return new BpeMerges(ranks);
    }

    private record Pair(int left, int right, int rank, int length) {}

    /** The symbols {@code word} merges into, as substrings, in order. */
    List<String> apply(String word) {
        int n = word.length();
        int[] start = new int[n];
        int[] len = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            start[i] = i;
            len[i] = 1;
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        PriorityQueue<Pair> queue = new PriorityQueue<>((a, b) -> a.rank != b.rank ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 0; i + 1 < n; i++) offer(word, start, len, i, i + 1, queue);
        while (!queue.isEmpty()) {
            Pair p = queue.poll();
            if (len[p.left] == 0 || len[p.right] == 0 || next[p.left] != p.right || len[p.left] + len[p.right] != p.length) continue;
            len[p.left] += len[p.right];
            len[p.right] = 0;
            next[p.left] = next[p.right];
            if (next[p.left] >= 0) prev[next[p.left]] = p.left;
            if (prev[p.left] >= 0) offer(word, start, len, prev[p.left], p.left, queue);
            if (next[p.left] >= 0) offer(word, start, len, p.left, next[p.left], queue);
        }
        List<String> symbols = new java.util.ArrayList<>();
        for (int i = 0; i >= 0 && n > 0; i = next[i]) symbols.add(word.substring(start[i], start[i] + len[i]));
        return symbols;
    }

    private void offer(String word, int[] start, int[] len, int left, int right, PriorityQueue<Pair> queue) {
        String key = word.substring(start[left], start[left] + len[left]) + ' ' + word.substring(start[right], start[right] + len[right]);
        Integer rank = ranks.get(key);
        if (rank != null) queue.add(new Pair(left, right, rank, len[left] + len[right]));
    }
}
