package dev.jmoe.host.bench;

import dev.jmoe.host.engine.EngineOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The chart of a sweep: prompt processing (S_PP) and generation (S_TG) t/s against the KV depth at which
 * they were timed; below it, when the rows carry transfers, the PCIe GB/s of each step's prompt processing.
 */
public final class SweepPlot {
    static final String X_TITLE = "KV depth N_KV (tokens)";
    static final String SPEED_TITLE = "speed (tokens/s)";

    private SweepPlot() {}

    public static Plot of(ModelInfo model, EngineOptions options, List<SweepRow> rows) {
        if (rows.isEmpty()) throw new IllegalArgumentException("no sweep rows to plot");
        String title = String.format(Locale.ROOT, "%s (%s): sweep, threads=%d, ub=%d", model.type(), model.file(), options.threads(), rows.getFirst().nPp());
        SeriesBuilder speed = new SeriesBuilder(), pcie = new SeriesBuilder();
        for (SweepRow r : rows) {
            speed.add("PP: " + r.nPp() + "-token micro-batch (S_PP)", r.nKv(), r.speedPp());
        }
        for (SweepRow r : rows) {
            // The last step may have had no room for the generation (its T_TG is NaN): no point there.
            if (!Double.isNaN(r.tTg())) speed.add("TG: " + r.nTg() + " tokens (S_TG)", r.nKv(), r.speedTg());
            r.transfer().ifPresent(t -> pcie.add("PP uploads", r.nKv(), t.pcieGbPerSecond()));
        }
        List<Plot.Panel> panels = new ArrayList<>();
        panels.add(new Plot.Panel(title, X_TITLE, SPEED_TITLE, List.of(), true, speed.build()));
        if (!pcie.isEmpty()) panels.add(new Plot.Panel("PCIe GB/s of each step's prompt processing", X_TITLE, ResultPlot.PCIE_TITLE, List.of(), true, pcie.build()));
        return new Plot(title, panels);
    }
}
