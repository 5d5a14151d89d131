package dev.jmoe.cli;

import dev.jmoe.host.bench.BenchCase;
import dev.jmoe.host.bench.BenchFormat;
import dev.jmoe.host.bench.BenchProgress;

import java.io.Console;

/**
 * One overwritten stderr line saying which configuration and repetition runs. Only when stdout and stdin
 * are a terminal ({@link Console#isTerminal()}: a redirected or piped stdout turns it off) and the output
 * is not JSON, which is read by machines that may also capture stderr.
 */
final class TerminalProgress implements BenchProgress {
    static boolean wanted(BenchFormat format) {
        Console console = System.console();
        return wanted(console != null && console.isTerminal(), format);
    }

    static boolean wanted(boolean terminal, BenchFormat format) {
        return terminal && format != BenchFormat.JSON && format != BenchFormat.JSONL;
    }

    static void clear() {
        System.err.print("\r\033[K");
        System.err.flush();
    }

    /** The sweep's line: "warm-up", "512 of 4096 tokens". */
    static void sweep(String state) {
        System.err.print("\r\033[Ksweep: " + state);
        System.err.flush();
    }

    @Override
    public void run(int index, int total, BenchCase c, int rep, int reps) {
        System.err.print("\r\033[K" + line(index, total, c, rep, reps));
        System.err.flush();
    }

    /** "bench [2/4] m.gguf tg128 t=8 b=2048 ub=512: run 3/5" (rep 0: "warm-up"). */
    static String line(int index, int total, BenchCase c, int rep, int reps) {
        var o = c.options();
        String run = rep == 0 ? "warm-up" : "run " + rep + "/" + reps;
        return String.format("bench [%d/%d] %s %s t=%d b=%d ub=%d: %s", index + 1, total, c.model().getFileName(), c.test().name(),
                o.threads(), o.batch(), o.ubatch(), run);
    }
}
