package dev.jmoe.host.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * llama-bench's Markdown table: model, size, params, backend, threads, the flags that differ from their
 * defaults, test, t/s as "mean ± sd"; with PCIe GB/s and pin-cache hit rate when a GPU backend reported them.
 */
public final class BenchTable {
    private BenchTable() {}

    private record Column(String header, boolean right, int minWidth, Function<BenchResult, String> value) {}

    public static String markdown(List<BenchResult> results) {
        List<Column> columns = columns(results);
        int[] widths = new int[columns.size()];
        for (int i = 0; i < widths.length; i++) {
            Column c = columns.get(i);
            widths[i] = Math.max(c.minWidth, c.header.length());
            for (BenchResult r : results) widths[i] = Math.max(widths[i], c.value.apply(r).length());
        }
        StringBuilder sb = new StringBuilder();
        row(sb, columns, widths, c -> c.header);
        for (int i = 0; i < widths.length; i++) {
            String dashes = "-".repeat(widths[i] - (columns.get(i).right ? 1 : 0)) + (columns.get(i).right ? ":" : "");
            sb.append("| ").append(dashes).append(' ');
        }
        sb.append("|\n");
        for (BenchResult r : results) row(sb, columns, widths, c -> c.value.apply(r));
        return sb.toString();
    }

    private static void row(StringBuilder sb, List<Column> columns, int[] widths, Function<Column, String> text) {
        for (int i = 0; i < widths.length; i++) {
            String s = text.apply(columns.get(i));
            String pad = " ".repeat(widths[i] - s.length());
            sb.append("| ").append(columns.get(i).right ? pad + s : s + pad).append(' ');
        }
        sb.append("|\n");
    }

    private static List<Column> columns(List<BenchResult> results) {
        List<Column> cols = new ArrayList<>();
        cols.add(new Column("model", false, 30, r -> r.model().type()));
        cols.add(new Column("size", true, 10, r -> size(r.model().sizeBytes())));
        cols.add(new Column("params", true, 10, r -> params(r.model().params())));
        cols.add(new Column("backend", false, 10, BenchResult::backend));
        for (BenchField f : BenchField.values()) {
            if (f.shown(results)) cols.add(new Column(f.header, true, 0, r -> f.value.apply(r.options())));
        }
        cols.add(new Column("test", true, 15, r -> r.test().name()));
        cols.add(new Column("t/s", true, 20, r -> meanSd(r.stats())));
        if (results.stream().anyMatch(r -> r.transfer().isPresent())) {
            cols.add(new Column("PCIe GB/s", true, 0, r -> r.transfer().map(t -> fmt("%.2f", t.pcieGbPerSecond())).orElse("")));
            cols.add(new Column("pin hit %", true, 0, r -> r.transfer().map(t -> fmt("%.1f", 100 * t.pinCacheHitRate())).orElse("")));
        }
        return cols;
    }

    /** "123.45 ± 1.23". */
    static String meanSd(SampleStats s) {
        return fmt("%.2f ± %.2f", s.mean(), s.stddev());
    }

    /** MiB below 1 GiB, GiB from there, as llama-bench prints model sizes. */
    static String size(long bytes) {
        return bytes < (1L << 30) ? fmt("%.2f MiB", bytes / (double) (1L << 20)) : fmt("%.2f GiB", bytes / (double) (1L << 30));
    }

    /** "30.53 B" or "494.03 M". */
    static String params(long n) {
        return n >= 1_000_000_000L ? fmt("%.2f B", n / 1e9) : fmt("%.2f M", n / 1e6);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
