package dev.jmoe.cli;

import dev.jmoe.host.bench.BenchResult;
import dev.jmoe.host.bench.BenchTest;
import dev.jmoe.host.bench.ModelInfo;
import dev.jmoe.host.bench.ResultPlot;
import dev.jmoe.host.bench.TransferStats;
import dev.jmoe.host.engine.EngineOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.jmoe.host.mem.LoadOptions;
import dev.jmoe.host.numa.NumaMode;
import dev.jmoe.host.numa.NumaOptions;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PNG is written and decodes at its size; the series handed to XChart are the results' means (not pixels). */
class PngPlotTest {
    private static final ModelInfo MODEL = new ModelInfo("m.gguf", "qwen3moe 1.2B Q8_0", 1L << 30, 1_000_000_000L);

    @TempDir
    Path dir;

    /** Threads 1 and 2, pp64 and tg16; pp at 100 and 180 t/s (means of 90/110 and 170/190), tg at 10 and 12. */
    private static List<BenchResult> results(boolean transfers) {
        EngineOptions t1 = EngineOptions.defaults(1), t2 = EngineOptions.defaults(2);
        return List.of(
                new BenchResult(MODEL, "CPU", t1, BenchTest.prompt(64, 0), new double[] {90, 110}, transfers ? Optional.of(new TransferStats(8, 0.5)) : Optional.empty()),
                new BenchResult(MODEL, "CPU", t1, BenchTest.generation(16, 0), new double[] {10}, Optional.empty()),
                new BenchResult(MODEL, "CPU", t2, BenchTest.prompt(64, 0), new double[] {170, 190}, transfers ? Optional.of(new TransferStats(9, 0.5)) : Optional.empty()),
                new BenchResult(MODEL, "CPU", t2, BenchTest.generation(16, 0), new double[] {12}, Optional.empty()));
    }

    @Test
    void chartSeriesAreTheResults() {
        var charts = PngPlot.charts(ResultPlot.of(results(false), Optional.empty()));
        assertEquals(1, charts.size());
        XYChart c = (XYChart) charts.getFirst();
        assertEquals("threads", c.getXAxisTitle());
        assertTrue(c.getYAxisTitle().contains("tokens/s"));
        assertTrue(c.getTitle().contains("qwen3moe 1.2B Q8_0"));
        List<XYSeries> series = List.copyOf(c.getSeriesCollection());
        assertEquals(List.of("pp64", "tg16"), series.stream().map(XYSeries::getName).toList());
        assertArrayEquals(new double[] {1, 2}, series.get(0).getXData());
        assertArrayEquals(new double[] {100, 180}, series.get(0).getYData(), 1e-9);
        assertArrayEquals(new double[] {1, 2}, series.get(1).getXData());
        assertArrayEquals(new double[] {10, 12}, series.get(1).getYData(), 1e-9);
    }

    @Test
    void namedValuesGoOnACategoryAxisWithGapsWhereASeriesHasNoPoint() {
        // --numa off,isolate for tg16, and pp64 under isolate only: pp64's "off" is a gap (null), not a zero.
        EngineOptions off = EngineOptions.defaults(2).withLoad(LoadOptions.defaults().withNuma(NumaOptions.of(NumaMode.OFF)));
        EngineOptions isolate = EngineOptions.defaults(2).withLoad(LoadOptions.defaults().withNuma(NumaOptions.of(NumaMode.ISOLATE)));
        List<BenchResult> results = List.of(
                new BenchResult(MODEL, "CPU", off, BenchTest.generation(16, 0), new double[] {10, 14}, Optional.empty()),
                new BenchResult(MODEL, "CPU", isolate, BenchTest.generation(16, 0), new double[] {11}, Optional.empty()),
                new BenchResult(MODEL, "CPU", isolate, BenchTest.prompt(64, 0), new double[] {100}, Optional.empty()));
        CategoryChart c = (CategoryChart) PngPlot.charts(ResultPlot.of(results, Optional.empty())).getFirst();
        assertEquals("--numa placement", c.getXAxisTitle());
        CategorySeries tg = c.getSeries("tg16");
        assertEquals(List.of("off", "isolate"), List.copyOf(tg.getXData()));
        assertArrayEquals(new double[] {12, 11}, tg.getYData(), 1e-9);
        double[] pp = c.getSeries("pp64").getYData();
        assertTrue(Double.isNaN(pp[0]) && pp[1] == 100, Arrays.toString(pp));
    }

    @Test
    void writesAPngOfOnePanel() throws Exception {
        Path png = dir.resolve("bench.png");
        PngPlot.write(ResultPlot.of(results(false), Optional.empty()), png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "not a decodable image: " + Files.size(png) + " bytes");
        assertEquals(PngPlot.WIDTH, image.getWidth());
        assertEquals(PngPlot.PANEL_HEIGHT, image.getHeight());
    }

    @Test
    void transfersAddASecondPanelBelow() throws Exception {
        var plot = ResultPlot.of(results(true), Optional.empty());
        var charts = PngPlot.charts(plot);
        assertEquals(2, charts.size());
        XYSeries pcie = ((XYChart) charts.get(1)).getSeries("pp64");
        assertArrayEquals(new double[] {8, 9}, pcie.getYData(), 1e-9);
        Path png = dir.resolve("pcie.png");
        PngPlot.write(plot, png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(PngPlot.WIDTH, image.getWidth());
        assertEquals(2 * PngPlot.PANEL_HEIGHT, image.getHeight());
    }
}
