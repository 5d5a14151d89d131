package dev.jmoe.host.kernel;

import java.util.Arrays;

/**
 * (token, expert) pairs sorted by expert with a counting sort, in pair order within one expert: what the MoE
 * products on the CPU ({@link MatMul#experts}) and on a device both group by, so each routed expert's matrix
 * is read once for all its tokens.
 */
public final class PairsByExpert {
    private final int[] start;
    private final int[] members;

    private PairsByExpert(int[] start, int[] members) {
        this.start = start;
        this.members = members;
    }

    /** Groups pair i under expert {@code pairExpert[i]}, each below {@code experts}. */
    public static PairsByExpert of(int[] pairExpert, int experts) {
        int[] start = new int[experts + 1];
        for (int e : pairExpert) start[e + 1]++;
        for (int e = 0; e < experts; e++) start[e + 1] += start[e];
        int[] members = new int[pairExpert.length];
        int[] next = Arrays.copyOf(start, experts);
        for (int i = 0; i < pairExpert.length; i++) members[next[pairExpert[i]]++] = i;
        return new PairsByExpert(start, members);
    }

    /** Pairs routed to expert {@code e}. */
    public int count(int e) {
        return start[e + 1] - start[e];
    }

    /** The index of the {@code j}-th pair routed to expert {@code e}. */
    public int pair(int e, int j) {
        return members[start[e] + j];
    }
}
