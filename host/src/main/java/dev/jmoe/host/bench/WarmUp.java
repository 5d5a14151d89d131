package dev.jmoe.host.bench;

import dev.jmoe.host.kernel.JitActivity;

import java.util.function.LongSupplier;

/**
 * Untimed runs before a measurement, until the JIT has compiled the kernels: at least {@link #MIN_NANOS} of
 * runs, and on until two runs in a row take times within {@link #SETTLED} of each other with no compiling during
 * them, or {@link #MAX_NANOS} have passed (one run of a large model is its own warm-up, as in llama-bench). When
 * the JIT compiled during a run, the warm-up pauses until it has been idle for {@link #JIT_IDLE_MILLIS}: the
 * benchmark's workers hold every core while they run, so on a small machine the compiler threads get none, and two
 * runs could agree at interpreter speed (pp32 of the 4 MB test model measured 285–596 t/s as the first test of a
 * run, 3000–3800 as the third). A count of runs or a fixed time is not enough either: on a busy two-core machine C2
 * compiled the vector kernels 6–10 s into a run of that model.
 */
final class WarmUp {
    static final long MIN_NANOS = 3_000_000_000L;
    static final long MAX_NANOS = 30_000_000_000L;
    /** Consecutive runs this close (relative) count as settled. */
    static final double SETTLED = 0.1;
    /** The JIT counts as idle once its total compilation time has not grown for this long. */
    static final long JIT_IDLE_MILLIS = 300;
    /** The longest pause for the JIT in one warm-up. */
    static final long MAX_JIT_WAIT_MILLIS = 20_000;

    private WarmUp() {}

    /** Calls {@code run} (which returns its nanoseconds) until warm; returns the number of runs. */
    static int run(LongSupplier run) {
        return run(run, JitActivity.running());
    }

    static int run(LongSupplier run, JitActivity jit) {
        long total = 0, previous = -1, waited = 0;
        int runs = 0;
        while (true) {
            long compiledBefore = jit.compileMillis();
            long t = run.getAsLong();
            total += t;
            runs++;
            boolean compiled = compiledBefore >= 0 && jit.compileMillis() != compiledBefore;
            boolean settled = !compiled && previous > 0 && Math.abs(t - previous) <= SETTLED * Math.max(t, previous);
            if (total >= MAX_NANOS || (total >= MIN_NANOS && settled)) return runs;
            if (compiled && total >= MIN_NANOS && waited < MAX_JIT_WAIT_MILLIS) {
                waited += awaitIdle(jit, MAX_JIT_WAIT_MILLIS - waited);
                previous = -1;   // the runs after the pause are the ones to compare
            } else {
                previous = compiled ? -1 : t;
            }
        }
    }

    /** Pauses until the JIT's compilation time stops growing for {@link #JIT_IDLE_MILLIS}; returns the ms paused. */
    private static long awaitIdle(JitActivity jit, long budgetMillis) {
        long waited = 0, last = jit.compileMillis();
        long step = JIT_IDLE_MILLIS / 3;
        long quiet = 0;
        while (quiet < JIT_IDLE_MILLIS && waited < budgetMillis) {
            jit.pause(step);
            waited += step;
            long now = jit.compileMillis();
            quiet = now == last ? quiet + step : 0;
            last = now;
        }
        return waited;
    }
}
