package dev.jmoe.host.bench;

import java.util.function.LongSupplier;

/**
 * Untimed runs before a measurement, until the JIT has compiled the kernels: at least {@link #MIN_NANOS} of
 * runs, and on until two runs in a row take times within {@link #SETTLED} of each other, or {@link #MAX_NANOS}
 * have passed (one run of a large model is its own warm-up, as in llama-bench). A count of runs or a fixed time
 * is not enough: on a busy two-core machine C2 compiled the vector kernels 6–10 s into a run of the 4 MB test
 * model, and pp32 rose from 26 to 700 t/s through its timed runs after a 3-second warm-up.
 */
final class WarmUp {
    static final long MIN_NANOS = 3_000_000_000L;
    static final long MAX_NANOS = 30_000_000_000L;
    /** Consecutive runs this close (relative) count as settled. */
    static final double SETTLED = 0.1;

    private WarmUp() {}

    /** Calls {@code run} (which returns its nanoseconds) until warm; returns the number of runs. */
    static int run(LongSupplier run) {
        long total = 0, previous = -1;
        int runs = 0;
        while (true) {
            long t = run.getAsLong();
            total += t;
            runs++;
            boolean settled = previous > 0 && Math.abs(t - previous) <= SETTLED * Math.max(t, previous);
            if (total >= MAX_NANOS || (total >= MIN_NANOS && settled)) return runs;
            previous = t;
        }
    }
}
