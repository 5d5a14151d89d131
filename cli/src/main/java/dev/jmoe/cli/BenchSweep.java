package dev.jmoe.cli;

import dev.jmoe.host.bench.BenchCase;
import dev.jmoe.host.bench.BenchFormat;
import dev.jmoe.host.bench.ModelInfo;
import dev.jmoe.host.bench.SweepPlot;
import dev.jmoe.host.bench.SweepRow;
import dev.jmoe.host.bench.SweepRunner;
import dev.jmoe.host.bench.SweepTable;
import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.EngineOptions;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** {@code jmoe bench --sweep}: one configuration, rows printed as they are measured (md, jsonl) or at the end (json). */
final class BenchSweep {
    private BenchSweep() {}

    /** @param plot the PNG to draw the rows into, or null */
    static int run(List<BenchCase> cases, int context, BenchFormat format, PrintWriter out, boolean progress, Path plot) {
        if (format == BenchFormat.CSV) throw new IllegalArgumentException("--sweep prints md, json or jsonl, not csv");
        EngineOptions options = cases.getFirst().options();
        if (cases.stream().map(c -> c.model() + " " + c.options()).distinct().count() > 1) {
            throw new IllegalArgumentException("--sweep takes one value each of -m, -t, -b, -ub, -ctk, -ctv and the load flags");
        }
        if (context < 1) throw new IllegalArgumentException("-c must be at least 1, got " + context);
        int ubatch = Math.min(options.batch(), options.ubatch());
        try (Engine engine = Engine.load(cases.getFirst().model(), options.withContext(context))) {
            if (format == BenchFormat.MD) out.print(SweepTable.header(false));
            out.flush();
            if (progress) TerminalProgress.sweep("warm-up");
            List<SweepRow> rows = new SweepRunner(engine::transferTotals).run(engine.newSession(), ubatch, row -> {
                if (progress) TerminalProgress.clear();   // the row must not land on the progress line
                if (format == BenchFormat.MD) out.print(SweepTable.row(row, false));
                if (format == BenchFormat.JSONL) out.println(SweepTable.jsonLine(row));
                out.flush();
                if (progress) TerminalProgress.sweep(String.format("%d of %d tokens", row.nKv() + row.nPp(), context));
            });
            if (progress) TerminalProgress.clear();
            if (format == BenchFormat.JSON) {
                out.print(rows.stream().map(r -> "  " + SweepTable.jsonLine(r)).collect(Collectors.joining(",\n", "[\n", "\n]\n")));
            }
            out.flush();
            if (plot != null) PngPlot.write(SweepPlot.of(ModelInfo.of(engine.model()), options, rows), plot);
        }
        return 0;
    }
}
