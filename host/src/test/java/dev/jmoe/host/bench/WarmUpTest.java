package dev.jmoe.host.bench;

import org.junit.jupiter.api.Test;

import java.util.PrimitiveIterator;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WarmUpTest {
    private static final long SECOND = 1_000_000_000L;

    private static int runs(long... times) {
        PrimitiveIterator.OfLong it = LongStream.of(times).iterator();
        return WarmUp.run(it::nextLong);
    }

    @Test
    void keepsGoingWhileRunsGetFasterThenStopsOnceTwoAgree() {
        // 1.2 s, 0.6 s, 0.3 s (2.1 s, still speeding up), 0.1 s x 10 (3.0 s reached at run 12, settled since run 5).
        assertEquals(12, runs(1200_000_000L, 600_000_000L, 300_000_000L, 100_000_000L, 100_000_000L, 100_000_000L,
                100_000_000L, 100_000_000L, 100_000_000L, 100_000_000L, 100_000_000L, 100_000_000L, 100_000_000L));
        // Past the minimum but still 25% faster each time: not settled until two runs agree within 10%.
        assertEquals(5, runs(2 * SECOND, 1600_000_000L, 1200_000_000L, 900_000_000L, 850_000_000L, 1));
    }

    @Test
    void aLongRunIsItsOwnWarmUp() {
        assertEquals(1, runs(40 * SECOND, 1));
        assertEquals(2, runs(20 * SECOND, 11 * SECOND, 1));
    }
}
