package dev.jmoe.host.bench;

import dev.jmoe.host.kernel.JitActivity;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmUpTest {
    private static final long SECOND = 1_000_000_000L;

    /** A JIT that compiles nothing: the warm-up is decided by the run times alone. */
    private static final JitActivity IDLE = new JitActivity() {
        @Override
        public long compileMillis() {
            return 0;
        }

        @Override
        public void pause(long millis) {
            throw new AssertionError("no pause without compiling");
        }
    };

    private static int runs(long... times) {
        PrimitiveIterator.OfLong it = LongStream.of(times).iterator();
        return WarmUp.run(it::nextLong, IDLE);
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

    /**
     * Runs of one second each agree from the start, but the JIT compiles during the first four: past the minimum
     * the warm-up pauses until the JIT has been idle for 300 ms, and then needs two runs without compiling.
     */
    @Test
    void runsThatAgreeWhileTheJitCompilesAreNotWarmAndTheJitGetsAPause() {
        List<Long> pauses = new ArrayList<>();
        long[] compiled = {0};
        int[] run = {0};
        JitActivity busy = new JitActivity() {
            @Override
            public long compileMillis() {
                return compiled[0];
            }

            @Override
            public void pause(long millis) {
                pauses.add(millis);
                if (pauses.size() <= 2) compiled[0] += 50;   // still compiling through the first two pauses
            }
        };
        int runs = WarmUp.run(() -> {
            if (++run[0] <= 4) compiled[0] += 10;   // the JIT works during the first four runs
            return SECOND;
        }, busy);
        // runs 1-3: under the minimum; run 3 ends at 3 s with compiling, so a pause: 2 busy steps, then 3 quiet ones.
        // run 4 compiles again: another pause of 3 quiet steps; runs 5 and 6 agree without compiling.
        assertEquals(6, runs);
        assertEquals(List.of(100L, 100L, 100L, 100L, 100L, 100L, 100L, 100L), pauses);
        assertTrue(pauses.stream().mapToLong(Long::longValue).sum() <= WarmUp.MAX_JIT_WAIT_MILLIS);
    }
}
