package dev.jmoe.host.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The chart of a cross product: mean t/s against one varied flag, one line per configuration and test
 * (every other varied flag and the test name make the series name); below it, when some prompt test
 * reported transfers, a panel of PCIe GB/s on the same x axis.
 *
 * <p>The x axis, unless named: the varied flag (KV depth, an engine or load flag, the model) whose values
 * are numbers rather than names, then the one with the most distinct values, then the first in
 * {@link #dimensions()} order. With nothing varied the x axis is the tests themselves, as unjoined points.
 */
public final class ResultPlot {
    static final String SPEED_TITLE = "speed (tokens/s, mean of the runs)";
    static final String PCIE_TITLE = "PCIe host to device (GB/s)";

    private ResultPlot() {}

    /** Something results can differ in, and how a plot names it. */
    record Dimension(String name, String axisTitle, boolean numeric, Function<BenchResult, String> value) {}

    /** Every dimension an x axis can be, in tie-break order. */
    static List<Dimension> dimensions() {
        List<Dimension> out = new ArrayList<>();
        out.add(new Dimension("n_depth", "KV depth -d (tokens)", true, r -> String.valueOf(r.test().nDepth())));
        for (BenchField f : BenchField.values()) out.add(new Dimension(f.header, f.axisLabel, f.numeric, r -> f.value.apply(r.options())));
        out.add(new Dimension("model", "model", false, r -> r.model().type() + " (" + r.model().file() + ")"));
        return out;
    }

    /** The names {@code --plot-x} takes. */
    public static List<String> axisNames() {
        return dimensions().stream().map(Dimension::name).toList();
    }

    /** The plot of {@code results}; {@code xAxis} names the x dimension, empty to choose as the class comment says. */
    public static Plot of(List<BenchResult> results, Optional<String> xAxis) {
        if (results.isEmpty()) throw new IllegalArgumentException("no results to plot");
        List<Dimension> varied = dimensions().stream().filter(d -> values(results, d).size() > 1).toList();
        Optional<Dimension> x = xAxis.map(ResultPlot::named).or(() -> varied.stream().min(preference(results)));
        String title = title(results) + x.map(d -> ": t/s by " + d.name()).orElse("");
        if (x.isEmpty()) return byTest(results, title);
        Dimension dim = x.get();
        List<Dimension> inName = varied.stream().filter(d -> !d.name().equals(dim.name())).toList();
        List<String> categories = dim.numeric() ? List.of() : List.copyOf(values(results, dim));
        SeriesBuilder speed = new SeriesBuilder(), pcie = new SeriesBuilder();
        for (BenchResult r : results) {
            String name = seriesName(r, inName);
            double xv = dim.numeric() ? Double.parseDouble(dim.value().apply(r)) : categories.indexOf(dim.value().apply(r));
            speed.add(name, xv, r.stats().mean());
            r.transfer().ifPresent(t -> pcie.add(name, xv, t.pcieGbPerSecond()));
        }
        List<Plot.Panel> panels = new ArrayList<>();
        panels.add(new Plot.Panel(title, dim.axisTitle(), SPEED_TITLE, categories, true, speed.build()));
        if (!pcie.isEmpty()) {
            panels.add(new Plot.Panel("PCIe GB/s of the prompt tests' expert uploads", dim.axisTitle(), PCIE_TITLE, categories, true, pcie.build()));
        }
        return new Plot(title, panels);
    }

    /** Nothing varied: one point per test, on a category axis of the test names, not joined. */
    private static Plot byTest(List<BenchResult> results, String title) {
        List<String> tests = results.stream().map(r -> r.test().name()).distinct().toList();
        SeriesBuilder speed = new SeriesBuilder(), pcie = new SeriesBuilder();
        for (BenchResult r : results) {
            int xv = tests.indexOf(r.test().name());
            speed.add("t/s", xv, r.stats().mean());
            r.transfer().ifPresent(t -> pcie.add("PCIe GB/s", xv, t.pcieGbPerSecond()));
        }
        List<Plot.Panel> panels = new ArrayList<>();
        panels.add(new Plot.Panel(title, "test", SPEED_TITLE, tests, false, speed.build()));
        if (!pcie.isEmpty()) panels.add(new Plot.Panel("PCIe GB/s of the prompt tests' expert uploads", "test", PCIE_TITLE, tests, false, pcie.build()));
        return new Plot(title, panels);
    }

    /** {@code name} as {@code --plot-x} takes it (case and spaces aside); an unknown name fails, listing the known ones. */
    public static String axisName(String name) {
        return named(name).name();
    }

    private static Dimension named(String name) {
        return dimensions().stream().filter(d -> d.name().equals(name.strip().toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown --plot-x '" + name + "' (expected one of " + String.join(", ", axisNames()) + ")"));
    }

    /** Numbers first, then more distinct values, then dimension order (min() keeps the first of equals). */
    private static Comparator<Dimension> preference(List<BenchResult> results) {
        return Comparator.comparing((Dimension d) -> !d.numeric()).thenComparing(d -> -values(results, d).size());
    }

    private static Set<String> values(List<BenchResult> results, Dimension d) {
        return results.stream().map(d.value()).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** "pp512", or "pp512, threads=8, type_k=q8_0": the test without its depth, then the other varied dimensions. */
    static String seriesName(BenchResult r, List<Dimension> inName) {
        BenchTest t = r.test();
        StringBuilder sb = new StringBuilder(t.nPrompt() > 0 ? "pp" + t.nPrompt() : "tg" + t.nGen());
        for (Dimension d : inName) {
            if (d.name().equals("model")) sb.append(", ").append(r.model().file());
            else sb.append(", ").append(d.name()).append('=').append(d.value().apply(r));
        }
        return sb.toString();
    }

    /** The model(s) by type and file name. */
    private static String title(List<BenchResult> results) {
        return results.stream().map(r -> r.model().type() + " (" + r.model().file() + ")").distinct().collect(Collectors.joining(" vs "));
    }
}
