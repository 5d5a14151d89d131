package dev.jmoe.cli;

import dev.jmoe.host.bench.Plot;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.AxesChart;
import org.knowm.xchart.internal.chartpart.Chart;
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
        List<Chart<?, ?>> charts = charts(plot);
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(charts, charts.size(), 1, out, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plot " + file + ": " + e.getMessage(), e);
        }
    }

    /** One chart per panel, series in the panel's order with exactly its points: XY for numbers, category for names. */
    static List<Chart<?, ?>> charts(Plot plot) {
        List<Chart<?, ?>> out = new ArrayList<>();
        for (Plot.Panel p : plot.panels()) out.add(p.categories().isEmpty() ? xyChart(p) : categoryChart(p));
        return out;
    }

    private static XYChart xyChart(Plot.Panel p) {
        XYChart c = new XYChart(WIDTH, PANEL_HEIGHT);
        label(c, p);
        c.getStyler().setYAxisMin(0.0);   // speeds from zero, so a small difference looks small
        c.getStyler().setDefaultSeriesRenderStyle(p.lines() ? XYSeries.XYSeriesRenderStyle.Line : XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(8);
        integerAxis(c);
        for (Plot.Series s : p.series()) c.addSeries(s.name(), s.x(), s.y()).setMarker(SeriesMarkers.CIRCLE);
        return c;
    }

    /** Category i of the panel at x = i in its series; a category a series lacks is a gap (null). */
    private static CategoryChart categoryChart(Plot.Panel p) {
        CategoryChart c = new CategoryChart(WIDTH, PANEL_HEIGHT);
        label(c, p);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setDefaultSeriesRenderStyle(p.lines() ? CategorySeries.CategorySeriesRenderStyle.Line : CategorySeries.CategorySeriesRenderStyle.Scatter);
        c.getStyler().setOverlapped(true);   // every series's point on its category, not spread out like bars
        c.getStyler().setMarkerSize(8);
        for (Plot.Series s : p.series()) {
            List<Double> y = new ArrayList<>(java.util.Collections.nCopies(p.categories().size(), (Double) null));
            double[] xs = s.x(), ys = s.y();
            for (int i = 0; i < xs.length; i++) y.set((int) xs[i], ys[i]);
            c.addSeries(s.name(), p.categories(), y).setMarker(SeriesMarkers.CIRCLE);
        }
        return c;
    }

    private static void label(AxesChart<?, ?> c, Plot.Panel p) {
        c.setTitle(p.title());
        c.setXAxisTitle(p.xTitle());
        c.setYAxisTitle(p.yTitle());
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    }

    /** Every numeric axis here counts something (tokens, threads): label whole numbers only, never "1.5 threads". */
    private static void integerAxis(XYChart c) {
        c.setCustomXAxisTickLabelsFormatter(x -> Math.abs(x - Math.rint(x)) < 1e-9 ? String.format(Locale.ROOT, "%,d", Math.round(x)) : " ");
    }
}
