package dev.jmoe.cli;

import dev.jmoe.host.bench.Plot;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code bench --plot FILE.png}: a {@link Plot} drawn by XChart, its panels stacked, each {@value #WIDTH} x {@value #PANEL_HEIGHT} pixels. */
final class PngPlot {
    static final int WIDTH = 1000;
    static final int PANEL_HEIGHT = 600;

    private PngPlot() {}

    /** Writes {@code plot} to {@code file} as PNG. */
    static void write(Plot plot, Path file) {
        System.setProperty("java.awt.headless", "true");   // no display needed to draw into an image
        List<XYChart> charts = charts(plot);
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(charts, charts.size(), 1, out, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plot " + file + ": " + e.getMessage(), e);
        }
    }

    /** One chart per panel, series in the panel's order with exactly its points. */
    static List<XYChart> charts(Plot plot) {
        List<XYChart> out = new ArrayList<>();
        for (Plot.Panel p : plot.panels()) out.add(chart(p));
        return out;
    }

    private static XYChart chart(Plot.Panel p) {
        XYChart c = new XYChart(WIDTH, PANEL_HEIGHT);
        c.setTitle(p.title());
        c.setXAxisTitle(p.xTitle());
        c.setYAxisTitle(p.yTitle());
        var style = c.getStyler();
        style.setLegendPosition(Styler.LegendPosition.OutsideS);
        style.setLegendLayout(Styler.LegendLayout.Horizontal);
        style.setYAxisMin(0.0);   // speeds from zero, so a small difference looks small
        style.setDefaultSeriesRenderStyle(p.lines() ? XYSeries.XYSeriesRenderStyle.Line : XYSeries.XYSeriesRenderStyle.Scatter);
        style.setMarkerSize(8);
        if (p.categories().isEmpty()) integerAxis(c);
        else categoryAxis(c, p.categories());
        for (Plot.Series s : p.series()) c.addSeries(s.name(), s.x(), s.y()).setMarker(SeriesMarkers.CIRCLE);
        return c;
    }

    /** Every numeric axis here counts something (tokens, threads): label whole numbers only, never "1.5 threads". */
    private static void integerAxis(XYChart c) {
        c.setCustomXAxisTickLabelsFormatter(x -> Math.abs(x - Math.rint(x)) < 1e-9 ? String.format(Locale.ROOT, "%,d", Math.round(x)) : " ");
    }

    /** Category i at x = i, labelled with its name; no ticks between categories. */
    private static void categoryAxis(XYChart c, List<String> categories) {
        c.getStyler().setXAxisMin(-0.5).setXAxisMax(categories.size() - 0.5);
        c.setCustomXAxisTickLabelsFormatter(x -> {
            long i = Math.round(x);
            return Math.abs(x - i) < 1e-9 && i >= 0 && i < categories.size() ? categories.get((int) i) : " ";
        });
    }
}
