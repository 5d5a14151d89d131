package dev.jmoe.cli;

import dev.jmoe.host.bench.BenchResult;
import dev.jmoe.host.bench.BenchTest;
import dev.jmoe.host.bench.ModelInfo;
import dev.jmoe.host.bench.ResultPlot;
import dev.jmoe.host.bench.TransferStats;
import dev.jmoe.host.engine.EngineOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
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
        List<XYChart> charts = PngPlot.charts(ResultPlot.of(results(false), Optional.empty()));
        assertEquals(1, charts.size());
        XYChart c = charts.getFirst();
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
        List<XYChart> charts = PngPlot.charts(plot);
        assertEquals(2, charts.size());
        XYSeries pcie = charts.get(1).getSeries("pp64");
        assertArrayEquals(new double[] {8, 9}, pcie.getYData(), 1e-9);
        Path png = dir.resolve("pcie.png");
        PngPlot.write(plot, png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(PngPlot.WIDTH, image.getWidth());
        assertEquals(2 * PngPlot.PANEL_HEIGHT, image.getHeight());
    }
}
