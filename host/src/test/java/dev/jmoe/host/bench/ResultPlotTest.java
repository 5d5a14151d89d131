package dev.jmoe.host.bench;

import dev.jmoe.host.engine.CacheType;
import dev.jmoe.host.engine.EngineOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** From results to series: names, x positions and the mean t/s, against hand-worked values. */
class ResultPlotTest {
    private static final ModelInfo MODEL = new ModelInfo("m.gguf", "qwen3moe 1.2B Q8_0", 1L << 30, 1_000_000_000L);

    private static BenchResult result(EngineOptions o, BenchTest test, double... samples) {
        return new BenchResult(MODEL, "CPU", o, test, samples, Optional.empty());
    }

    private static void assertSeries(Plot.Series s, String name, double[] x, double[] y) {
        assertEquals(name, s.name());
        assertArrayEquals(x, s.x(), 1e-12, name);
        assertArrayEquals(y, s.y(), 1e-9, name);
    }

    @Test
    void threadsOnTheXAxisOneLinePerTest() {
        // Given out of x order (4 before 1): each line comes out sorted by threads.
        EngineOptions t4 = EngineOptions.defaults(4), t1 = EngineOptions.defaults(1);
        List<BenchResult> results = List.of(
                result(t4, BenchTest.prompt(512, 0), 300, 310),   // mean 305
                result(t4, BenchTest.generation(128, 0), 20, 22), // mean 21
                result(t1, BenchTest.prompt(512, 0), 100),
                result(t1, BenchTest.generation(128, 0), 9, 10, 11));
        Plot plot = ResultPlot.of(results, Optional.empty());
        assertEquals(1, plot.panels().size());
        Plot.Panel p = plot.panels().getFirst();
        assertEquals("threads", p.xTitle());
        assertTrue(p.yTitle().contains("tokens/s"), p.yTitle());
        assertTrue(plot.title().contains("qwen3moe 1.2B Q8_0") && plot.title().contains("m.gguf"), plot.title());
        assertTrue(p.categories().isEmpty());
        assertEquals(2, p.series().size());
        assertSeries(p.series().get(0), "pp512", new double[] {1, 4}, new double[] {100, 305});
        assertSeries(p.series().get(1), "tg128", new double[] {1, 4}, new double[] {10, 21});
    }

    @Test
    void severalVariedFlagsTheOneWithMoreValuesIsTheAxisTheOthersNameTheLines() {
        // ub takes 3 values, threads 2: ub is the x axis, threads goes into the series names.
        List<BenchResult> results = new java.util.ArrayList<>();
        for (int t : new int[] {1, 2})
            for (int ub : new int[] {128, 256, 512})
                results.add(result(EngineOptions.defaults(t).withBatch(2048, ub), BenchTest.prompt(512, 0), t * 1000 + ub));
        Plot.Panel p = ResultPlot.of(results, Optional.empty()).panels().getFirst();
        assertEquals("micro-batch -ub (tokens)", p.xTitle());
        assertEquals(2, p.series().size());
        assertSeries(p.series().get(0), "pp512, threads=1", new double[] {128, 256, 512}, new double[] {1128, 1256, 1512});
        assertSeries(p.series().get(1), "pp512, threads=2", new double[] {128, 256, 512}, new double[] {2128, 2256, 2512});

        // Named: threads on x, one line per micro-batch.
        Plot.Panel byThreads = ResultPlot.of(results, Optional.of("threads")).panels().getFirst();
        assertEquals(3, byThreads.series().size());
        assertSeries(byThreads.series().get(1), "pp512, n_ubatch=256", new double[] {1, 2}, new double[] {1256, 2256});
    }

    @Test
    void depthAxisJoinsTheSameTestAtEveryDepth() {
        EngineOptions o = EngineOptions.defaults(2);
        List<BenchResult> results = List.of(
                result(o, BenchTest.prompt(64, 0), 50), result(o, BenchTest.generation(16, 0), 8),
                result(o, BenchTest.prompt(64, 1024), 40), result(o, BenchTest.generation(16, 1024), 6));
        Plot.Panel p = ResultPlot.of(results, Optional.empty()).panels().getFirst();
        assertEquals("KV depth -d (tokens)", p.xTitle());
        assertSeries(p.series().get(0), "pp64", new double[] {0, 1024}, new double[] {50, 40});
        assertSeries(p.series().get(1), "tg16", new double[] {0, 1024}, new double[] {8, 6});
    }

    @Test
    void namedFlagsMakeACategoryAxisInTheOrderGiven() {
        EngineOptions o = EngineOptions.defaults(2);
        List<BenchResult> results = List.of(
                result(o.withCache(CacheType.Q8_0, CacheType.F16), BenchTest.generation(32, 0), 12),
                result(o, BenchTest.generation(32, 0), 10));
        Plot.Panel p = ResultPlot.of(results, Optional.empty()).panels().getFirst();
        assertEquals("K cache type", p.xTitle());
        assertEquals(List.of("q8_0", "f16"), p.categories());
        assertSeries(p.series().getFirst(), "tg32", new double[] {0, 1}, new double[] {12, 10});
    }

    @Test
    void nothingVariedPlotsTheTestsAsUnjoinedPoints() {
        EngineOptions o = EngineOptions.defaults(2);
        Plot.Panel p = ResultPlot.of(List.of(result(o, BenchTest.prompt(32, 0), 200), result(o, BenchTest.generation(8, 0), 30)),
                Optional.empty()).panels().getFirst();
        assertEquals(List.of("pp32", "tg8"), p.categories());
        assertFalse(p.lines());
        assertSeries(p.series().getFirst(), "t/s", new double[] {0, 1}, new double[] {200, 30});
    }

    @Test
    void transfersAddAPciePanelWithTheSameAxisAndNames() {
        EngineOptions t1 = EngineOptions.defaults(1), t2 = EngineOptions.defaults(2);
        List<BenchResult> results = List.of(
                new BenchResult(MODEL, "CUDA", t1, BenchTest.prompt(512, 0), new double[] {100}, Optional.of(new TransferStats(11.5, 0.5))),
                result(t1, BenchTest.generation(128, 0), 10),
                new BenchResult(MODEL, "CUDA", t2, BenchTest.prompt(512, 0), new double[] {150}, Optional.of(new TransferStats(12.5, 0.9))),
                result(t2, BenchTest.generation(128, 0), 12));
        Plot plot = ResultPlot.of(results, Optional.empty());
        assertEquals(2, plot.panels().size());
        Plot.Panel pcie = plot.panels().get(1);
        assertEquals("threads", pcie.xTitle());
        assertTrue(pcie.yTitle().contains("GB/s"), pcie.yTitle());
        assertEquals(1, pcie.series().size());
        assertSeries(pcie.series().getFirst(), "pp512", new double[] {1, 2}, new double[] {11.5, 12.5});
    }

    @Test
    void anUnknownAxisNameIsRefusedWithTheKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> ResultPlot.axisName("speed"));
        assertTrue(e.getMessage().contains("'speed'") && e.getMessage().contains("n_ubatch"), e.getMessage());
        assertEquals("threads", ResultPlot.axisName(" Threads"));
    }
}
