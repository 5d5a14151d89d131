package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelWarmUpTest {
    private static final long MS = 1_000_000;

    /** A JIT whose total compilation time is the next of {@code totals} each time it is asked (before and after each round). */
    private static JitActivity jit(long... totals) {
        PrimitiveIterator.OfLong it = LongStream.of(totals).iterator();
        return new JitActivity() {
            long last;

            @Override
            public long compileMillis() {
                return last = it.hasNext() ? it.nextLong() : last;
            }

            @Override
            public void pause(long millis) {
                throw new AssertionError("the kernel warm-up computes instead of pausing");
            }
        };
    }

    private static KernelWarmUp.Result settle(JitActivity jit, long budget, long... roundMillis) {
        PrimitiveIterator.OfLong it = LongStream.of(roundMillis).iterator();
        return KernelWarmUp.settle(() -> it.nextLong() * MS, budget * MS, jit);
    }

    @Test
    void settlesAfterThreeRoundsInARowAgreeWithTheOneBefore() {
        // 100, 50, 20 ms while compiled code arrives; 10 ms four times: rounds 5, 6 and 7 agree with the one before
        var r = settle(jit(0), 10_000, 100, 50, 20, 10, 10, 10, 10);
        assertEquals(7, r.rounds());
        assertTrue(r.settled());
        assertEquals(210 * MS, r.nanos());
        // 12 ms after 10 (17% apart) is not close, nor 10 after 12: the streak starts again
        assertEquals(8, settle(jit(0), 10_000, 100, 10, 10, 12, 10, 10, 10, 10, 10).rounds());
    }

    @Test
    void roundsDuringWhichTheJitCompiledDoNotCountAndTheBudgetEndsIt() {
        // the JIT's total grows across round 3 (read before and after each round: 0 0, 0 0, 0 5, 5 5, ...)
        var r = settle(jit(0, 0, 0, 0, 0, 5), 10_000, 10, 10, 10, 10, 10, 10, 10);
        assertEquals(6, r.rounds(), "rounds 2 and 3's agreement is cut by the compile in round 3");
        // a JIT that never stops compiling: the rounds run until they have taken the budget
        long[] growing = LongStream.range(0, 1000).toArray();
        var busy = settle(jit(growing), 95, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10);
        assertFalse(busy.settled());
        assertEquals(10, busy.rounds());
        assertEquals(100 * MS, busy.nanos());
    }

    /** A test double around the vector kernels that counts the calls per weight type. */
    private static final class CountingRowDot implements RowDot {
        final Map<GgmlType, Integer> dots = new EnumMap<>(GgmlType.class), fours = new EnumMap<>(GgmlType.class);
        final RowDot kernels = RowDots.preferred();

        @Override
        public float dot(GgmlType type, MemorySegment w, long offset, Activation a, float[] scratch) {
            dots.merge(type, 1, Integer::sum);
            return kernels.dot(type, w, offset, a, scratch);
        }

        @Override
        public void dot4(GgmlType type, MemorySegment w, long offset, Activation a0, Activation a1, Activation a2, Activation a3,
                         float[] out, float[] scratch) {
            fours.merge(type, 1, Integer::sum);
            kernels.dot4(type, w, offset, a0, a1, a2, a3, out, scratch);
        }

        @Override
        public int vectorBits() {
            return kernels.vectorBits();
        }
    }

    @Test
    void runsTheOneAndFourTokenDotsOfEveryTypeOnceAProcess() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment q8 = arena.allocate(GgmlType.Q8_0.bytesFor(300L * 512), 64), q5 = arena.allocate(GgmlType.Q5_K.bytesFor(64L * 256 * 4), 64);
            RandomWeights.fill(GgmlType.Q8_0, q8, 1);
            RandomWeights.fill(GgmlType.Q5_K, q5, 2);
            List<WeightMatrix> matrices = List.of(new WeightMatrix(q8, GgmlType.Q8_0, 512, 300));
            List<ExpertWeights> experts = List.of(new ExpertWeights(q5, GgmlType.Q5_K, 256, 64, 4));
            CountingRowDot counting = new CountingRowDot();
            KernelWarmUp.Result r = KernelWarmUp.run(matrices, experts, counting, 200 * MS);
            assertTrue(r.rounds() >= 1);
            // per round: the matrix's first 256 rows for 1 and 4 tokens (the 32-token batch takes the tiles); the 3-D
            // tensor's first 256 rows as two experts of 128 for 1 token (16 tokens each take the tiles)
            assertEquals(256 * r.rounds(), counting.dots.get(GgmlType.Q8_0), "Q8_0 one-token dots");
            assertEquals(256 * r.rounds(), counting.fours.get(GgmlType.Q8_0), "Q8_0 four-token dots");
            assertEquals(2 * 128 * r.rounds(), counting.dots.get(GgmlType.Q5_K), "Q5_K one-token dots of the two experts");
            CountingRowDot again = new CountingRowDot();
            assertEquals(0, KernelWarmUp.run(matrices, experts, again, 200 * MS).rounds(), "warm once per process");
            assertTrue(again.dots.isEmpty() && again.fours.isEmpty());
        }
    }
}
