package dev.jmoe.host.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmoe.host.engine.TransferTotals;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A test's PCIe column comes from two readings of the GPU's running totals, and only when something moved. */
class TransferStatsTest {

    @Test
    void whatMovedBetweenTheReadings() {
        var before = Optional.of(new TransferTotals(2_000_000_000L, 0.2, 5, 5));
        var after = Optional.of(new TransferTotals(8_000_000_000L, 0.7, 35, 15));
        TransferStats got = TransferStats.between(before, () -> after).orElseThrow();
        assertEquals(12.0, got.pcieGbPerSecond(), 1e-9, "6 GB in 0.5 s of copy time");
        assertEquals(0.75, got.pinCacheHitRate(), 1e-12, "30 hits of 40 lookups");
    }

    @Test
    void noGpuOrNothingMovedGivesNoColumn() {
        var same = Optional.of(new TransferTotals(7, 0.1, 1, 1));
        assertTrue(TransferStats.between(Optional.empty(), Optional::empty).isEmpty());
        assertTrue(TransferStats.between(same, () -> same).isEmpty());
    }
}
