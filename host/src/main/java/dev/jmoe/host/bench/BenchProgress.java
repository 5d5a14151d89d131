package dev.jmoe.host.bench;

/** Told before every timed or warm-up run, for a progress line on a terminal. */
@FunctionalInterface
public interface BenchProgress {
    BenchProgress NONE = (index, total, c, rep, reps) -> {};

    /** Case {@code index} (0-based) of {@code total}; {@code rep} 0 is the warm-up, 1..reps the timed runs. */
    void run(int index, int total, BenchCase c, int rep, int reps);
}
