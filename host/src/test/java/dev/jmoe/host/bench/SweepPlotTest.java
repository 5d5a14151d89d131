package dev.jmoe.host.bench;

import dev.jmoe.host.engine.EngineOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** From sweep rows to the PP and TG series against N_KV, speeds worked by hand (tokens / seconds). */
class SweepPlotTest {
    private static final ModelInfo MODEL = new ModelInfo("m.gguf", "qwen3moe 1.2B Q8_0", 1L << 30, 1_000_000_000L);

    @Test
    void ppAndTgAgainstDepthTheLastTgMissingWhenItHadNoRoom() {
        List<SweepRow> rows = List.of(
                new SweepRow(512, 128, 0, 0.5, 2.0, Optional.empty()),      // 1024 and 64 t/s
                new SweepRow(512, 128, 512, 1.0, 4.0, Optional.empty()),    // 512 and 32 t/s
                new SweepRow(512, 128, 1024, 2.0, Double.NaN, Optional.empty()));
        Plot plot = SweepPlot.of(MODEL, EngineOptions.defaults(8), rows);
        assertEquals(1, plot.panels().size());
        Plot.Panel p = plot.panels().getFirst();
        assertTrue(plot.title().contains("qwen3moe 1.2B Q8_0") && plot.title().contains("threads=8") && plot.title().contains("ub=512"), plot.title());
        assertEquals("KV depth N_KV (tokens)", p.xTitle());
        assertEquals("speed (tokens/s)", p.yTitle());
        assertEquals(2, p.series().size());
        assertEquals("PP: 512-token micro-batch (S_PP)", p.series().get(0).name());
        assertArrayEquals(new double[] {0, 512, 1024}, p.series().get(0).x());
        assertArrayEquals(new double[] {1024, 512, 256}, p.series().get(0).y(), 1e-9);
        assertEquals("TG: 128 tokens (S_TG)", p.series().get(1).name());
        assertArrayEquals(new double[] {0, 512}, p.series().get(1).x());
        assertArrayEquals(new double[] {64, 32}, p.series().get(1).y(), 1e-9);
    }

    @Test
    void transfersAddAPciePanel() {
        List<SweepRow> rows = List.of(
                new SweepRow(256, 64, 0, 0.5, 2.0, Optional.of(new TransferStats(20, 1))),
                new SweepRow(256, 64, 256, 0.5, 2.0, Optional.of(new TransferStats(22, 1))));
        Plot plot = SweepPlot.of(MODEL, EngineOptions.defaults(8), rows);
        assertEquals(2, plot.panels().size());
        Plot.Series s = plot.panels().get(1).series().getFirst();
        assertArrayEquals(new double[] {0, 256}, s.x());
        assertArrayEquals(new double[] {20, 22}, s.y(), 1e-9);
    }
}
