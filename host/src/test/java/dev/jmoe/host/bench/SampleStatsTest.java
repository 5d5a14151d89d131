package dev.jmoe.host.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SampleStatsTest {
    @Test
    void meanAndSampleStandardDeviationByHand() {
        // mean 5; squared deviations 9+1+1+9 = 20; 20 / (4 - 1) = 6.667; sqrt = 2.58199
        SampleStats s = SampleStats.of(new double[] {2, 4, 6, 8});
        assertEquals(5.0, s.mean(), 1e-12);
        assertEquals(2.581988897, s.stddev(), 1e-9);
        assertEquals("5.00 ± 2.58", BenchTable.meanSd(s));
    }

    @Test
    void oneSampleHasNoSpread() {
        SampleStats s = SampleStats.of(new double[] {42.5});
        assertEquals(42.5, s.mean());
        assertEquals(0.0, s.stddev());
    }

    @Test
    void noSamplesIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> SampleStats.of(new double[0]));
    }
}
