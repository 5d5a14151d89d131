package dev.jmoe.host.ui;

import dev.jmoe.host.mem.ByteSize;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar for long byte copies, redrawn in place with a carriage return:
 * {@code label [##########..........]  50%  1.0 GiB / 2.0 GiB  3.21 GB/s}. It draws only on a
 * terminal ({@link #forTerminal}); piped or logged output gets nothing, not a stream of lines.
 */
public final class ProgressBar implements AutoCloseable {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 30;

    private final String label;
    private final long total;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private long lastDrawNanos;
    private long done;
    private boolean drawn;

    /** A bar drawn on {@code out}, or a silent one when {@code out} is null. */
    public ProgressBar(String label, long total, PrintStream out) {
        this.label = label;
        this.total = total;
        this.out = out;
    }

    /** Draws on stdout when the JVM runs on an interactive terminal, otherwise stays silent. */
    public static ProgressBar forTerminal(String label, long total) {
        Console console = System.console();
        return new ProgressBar(label, total, console != null && console.isTerminal() ? System.out : null);
    }

    /** Records progress; redraws at most ten times a second. */
    public void update(long bytesDone) {
        done = bytesDone;
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (drawn && now - lastDrawNanos < REDRAW_NANOS) {
            return;
        }
        lastDrawNanos = now;
        drawn = true;
        out.print("\r" + line(label, done, total, (now - startNanos) / 1e9));
        out.flush();
    }

    /** Draws the final state and ends the line. */
    @Override
    public void close() {
        if (out == null || !drawn) {
            return;
        }
        out.print("\r" + line(label, done, total, (System.nanoTime() - startNanos) / 1e9) + System.lineSeparator());
        out.flush();
    }

    /** The text of the bar for {@code done} of {@code total} bytes after {@code seconds}. */
    public static String line(String label, long done, long total, double seconds) {
        double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        double gbps = seconds <= 0 ? 0 : done / 1e9 / seconds;
        return String.format(Locale.ROOT, "%s [%s%s] %3d%%  %s / %s  %.2f GB/s", label, "#".repeat(filled),
                ".".repeat(WIDTH - filled), Math.round(fraction * 100), ByteSize.format(done), ByteSize.format(total), gbps);
    }
}
