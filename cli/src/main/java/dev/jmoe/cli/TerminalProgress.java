package dev.jmoe.cli;

import dev.jmoe.host.bench.BenchCase;
import dev.jmoe.host.bench.BenchFormat;
import dev.jmoe.host.bench.BenchProgress;

import java.io.Console;

/** One overwritten stderr line saying which configuration and repetition runs; only on a terminal and not for JSON. */
final class TerminalProgress implements BenchProgress {
    static boolean wanted(BenchFormat format) {
        Console console = System.console();
        return console != null && console.isTerminal() && format != BenchFormat.JSON && format != BenchFormat.JSONL;
    }

    static void clear() {
        System.err.print("\r\033[K");
        System.err.flush();
    }

    @Override
    public void run(int index, int total, BenchCase c, int rep, int reps) {
        var o = c.options();
        String run = rep == 0 ? "warm-up" : "run " + rep + "/" + reps;
        System.err.printf("\r\033[Kbench [%d/%d] %s %s t=%d b=%d ub=%d: %s", index + 1, total, c.model().getFileName(), c.test().name(),
                o.threads(), o.batch(), o.ubatch(), run);
        System.err.flush();
    }
}
