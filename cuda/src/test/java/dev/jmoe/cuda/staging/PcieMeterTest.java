package dev.jmoe.cuda.staging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcieMeterTest {

    @Test
    void onePrefillWorkedByHand() {
        PcieMeter meter = new PcieMeter();
        meter.pinnedBytes(() -> 3_000_000_000L);
        meter.beginPrefill();
        // Copies 0–10 ms and 10–30 ms (the copy engine busy 30 ms), 1.2 GB in all: 1.2e9 / 0.030 s = 40 GB/s.
        meter.upload(400_000_000, 1, 0, 10);
        meter.upload(800_000_000, 1, 10, 30);
        // Compute 5–15 ms and 25–40 ms: hidden copy time = (10 − 5) + (15 − 10) + (30 − 25) = 15 ms of 30 → 50%.
        meter.compute(5, 15);
        meter.compute(25, 40);
        meter.hit();
        meter.hit();
        meter.miss();
        meter.eviction();
        PcieSnapshot s = meter.endPrefill();
        assertEquals(1_200_000_000L, s.bytes());
        assertEquals(2, s.copies());
        assertEquals(0.030, s.copySeconds(), 1e-12);
        assertEquals(40.0, s.gbPerSecond(), 1e-9);
        assertEquals(0.015, s.hiddenSeconds(), 1e-12);
        assertEquals(0.5, s.overlap(), 1e-12);
        assertEquals(2, s.hits());
        assertEquals(1, s.misses());
        assertEquals(1, s.evictions());
        assertEquals(3_000_000_000L, s.pinnedBytes());
        assertEquals("pcie: 1.1 GiB in 2 copies, 0.030 s busy, 40.00 GB/s, 50% hidden under compute; pin cache 2 hits, "
                + "1 misses, 1 evictions, 2.8 GiB pinned", s.line());
    }

    @Test
    void overlappingCopiesCountOnceAndTotalsAddUpAcrossPrefills() {
        PcieMeter meter = new PcieMeter();
        meter.beginPrefill();
        // Two copy streams' intervals overlap 4–6 ms: busy 0–10 = 10 ms, not 12. Compute covers all: 100% hidden.
        meter.upload(100_000_000, 1, 0, 6);
        meter.upload(100_000_000, 1, 4, 10);
        meter.compute(0, 20);
        PcieSnapshot first = meter.endPrefill();
        assertEquals(0.010, first.copySeconds(), 1e-12);
        assertEquals(20.0, first.gbPerSecond(), 1e-9);
        assertEquals(1.0, first.overlap(), 1e-12);

        meter.beginPrefill();
        // No compute this time: nothing hidden. 50 MB in 10 ms.
        meter.upload(50_000_000, 1, 100, 110);
        meter.miss();
        PcieSnapshot second = meter.endPrefill();
        assertEquals(0, second.overlap());
        assertEquals(5.0, second.gbPerSecond(), 1e-9);

        PcieSnapshot total = meter.total();
        assertEquals(250_000_000L, total.bytes());
        assertEquals(3, total.copies());
        assertEquals(0.020, total.copySeconds(), 1e-12);
        assertEquals(12.5, total.gbPerSecond(), 1e-9);   // 250 MB / 20 ms
        assertEquals(0.5, total.overlap(), 1e-12);       // 10 ms hidden of 20
        assertEquals(1, total.misses());
        assertEquals(second, meter.lastPrefill());
    }

    @Test
    void noCopiesMeansZeroRatesNotNaN() {
        PcieMeter meter = new PcieMeter();
        meter.beginPrefill();
        PcieSnapshot s = meter.endPrefill();
        assertEquals(0, s.gbPerSecond());
        assertEquals(0, s.overlap());
        assertTrue(s.line().contains("0 B in 0 copies"), s.line());
    }
}
