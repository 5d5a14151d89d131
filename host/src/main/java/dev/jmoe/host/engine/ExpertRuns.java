package dev.jmoe.host.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The experts a micro-batch routes to, as runs of consecutive expert ids, ascending: each run is one contiguous
 * slice of an {@code _exps} tensor, so one host→device copy per run.
 *
 * <p>When at least {@link #ALL_NUMERATOR}/{@link #ALL_DENOMINATOR} (7/8) of the experts are used, the answer is
 * one run of all of them: that uploads at most 1/7 (14%) more bytes than needed, in one copy at the link's full
 * rate instead of many (the gaps between runs are then single experts, each split costing a copy), and the
 * device copy is laid out like the tensor itself.
 */
public final class ExpertRuns {
    static final int ALL_NUMERATOR = 7;
    static final int ALL_DENOMINATOR = 8;

    /** Experts {@code first .. first + count - 1}. */
    public record Run(int first, int count) {
        public int end() {
            return first + count;
        }
    }

    private ExpertRuns() {}

    /** Whether {@code distinct} routed experts of {@code experts} (a count, or an expected one) are uploaded as one run of all. */
    public static boolean takesAll(double distinct, int experts) {
        return distinct * ALL_DENOMINATOR >= (double) experts * ALL_NUMERATOR;
    }

    /**
     * Expected number of distinct experts {@code tokens} tokens route to when routing is uniform:
     * {@code experts · (1 − (1 − used/experts)^tokens)} (each expert is missed by a token with that probability).
     */
    public static double expectedDistinct(long tokens, int used, int experts) {
        return experts * (1 - Math.pow(1 - (double) used / experts, tokens));
    }

    /** Runs over the expert ids in {@code routed} (any order, repeats allowed; as {@link Routing#experts()}). */
    public static List<Run> of(int[] routed, int experts) {
        boolean[] used = new boolean[experts];
        int distinct = 0;
        for (int e : routed) {
            if (e < 0 || e >= experts) throw new IllegalArgumentException("routed expert " + e + " of " + experts);
            if (!used[e]) {
                used[e] = true;
                distinct++;
            }
        }
        if (takesAll(distinct, experts)) return List.of(new Run(0, experts));
        List<Run> runs = new ArrayList<>();
        for (int e = 0; e < experts; e++) {
            if (!used[e]) continue;
            int start = e;
            while (e + 1 < experts && used[e + 1]) e++;
            runs.add(new Run(start, e - start + 1));
        }
        return runs;
    }

    /** Experts covered by {@code runs}. */
    public static int experts(List<Run> runs) {
        int n = 0;
        for (Run r : runs) n += r.count();
        return n;
    }
}
