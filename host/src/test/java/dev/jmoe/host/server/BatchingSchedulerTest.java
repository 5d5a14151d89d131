package dev.jmoe.host.server;

import dev.jmoe.host.TestData;
import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.EngineOptions;
import dev.jmoe.host.engine.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three slots decoding at once through {@link BatchingScheduler} share forward passes: with a wait long
 * enough to take timing out of it, each round runs every slot still generating in one pass, so the passes are
 * the prompts plus the longest generation; a slot that finishes stops holding the others up; and every slot
 * gets the logits it gets decoding alone, bit for bit.
 */
@Timeout(60)
class BatchingSchedulerTest {
    private static final int[][] PROMPTS = {{1, 17, 300, 42, 9}, {5, 6}, {3000, 12, 8, 100, 200, 300, 400}};
    private static final int[] STEPS = {6, 4, 8};
    private static final long LONG_WAIT = TimeUnit.SECONDS.toNanos(10);

    /** Greedy decoding of {@code steps} tokens after the prompt; returns the logits of every step, concatenated. */
    private static List<float[]> greedy(DecodeScheduler scheduler, Session session, float[] logits, int steps) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            logits = scheduler.evaluate(session, new int[] {argmax(logits)});
            out.add(logits);
        }
        scheduler.finished(session);
        return out;
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    @Test
    void busySlotsShareForwardPassesAndGetTheirOwnLogits() throws Exception {
        try (Engine engine = Engine.load(TestData.model("qwen3moe-a-q4_k_m"), EngineOptions.defaults(2).withContext(64))) {
            DecodeScheduler.Serial serial = new DecodeScheduler.Serial();
            List<List<float[]>> alone = new ArrayList<>();
            for (int s = 0; s < PROMPTS.length; s++) {
                Session session = engine.newSession();
                alone.add(greedy(serial, session, session.evaluate(PROMPTS[s]), STEPS[s]));
            }

            try (BatchingScheduler batching = new BatchingScheduler(engine, LONG_WAIT, LONG_WAIT)) {
                List<Session> sessions = new ArrayList<>();
                List<float[]> first = new ArrayList<>();
                for (int[] prompt : PROMPTS) {
                    Session session = engine.newSession();
                    sessions.add(session);
                    first.add(batching.evaluate(session, prompt));
                }
                assertEquals(PROMPTS.length, batching.passes());
                ExecutorService slots = Executors.newFixedThreadPool(PROMPTS.length);
                long start = System.nanoTime();
                try {
                    List<Future<List<float[]>>> runs = new ArrayList<>();
                    for (int s = 0; s < PROMPTS.length; s++) {
                        int slot = s;
                        runs.add(slots.submit(() -> greedy(batching, sessions.get(slot), first.get(slot), STEPS[slot])));
                    }
                    for (int s = 0; s < PROMPTS.length; s++) {
                        List<float[]> got = runs.get(s).get(30, TimeUnit.SECONDS);
                        for (int i = 0; i < STEPS[s]; i++) assertArrayEquals(alone.get(s).get(i), got.get(i), "slot " + s + " step " + i);
                    }
                } finally {
                    slots.shutdownNow();
                }
                // A finished slot released the others at once rather than after the 10 s wait.
                assertTrue(System.nanoTime() - start < LONG_WAIT / 2, "rounds waited for a finished slot");
                assertEquals(PROMPTS.length + 8, batching.passes(), "3 prompts, then 8 rounds: 3 slots, 3, 3, 3, 2, 2, 1, 1");
                assertEquals(6 + 4 + 8, batching.decodeTokens());
            }
        }
    }

    @Test
    void aStepOneSlotCannotTakeFailsThatSlotOnly() {
        try (Engine engine = Engine.load(TestData.model("qwen3moe-a-q8_0"), EngineOptions.defaults(1).withContext(4));
             BatchingScheduler batching = new BatchingScheduler(engine, LONG_WAIT, LONG_WAIT)) {
            Session full = engine.newSession();
            Session fine = engine.newSession();
            batching.evaluate(full, new int[] {1, 2, 3, 4});
            batching.evaluate(fine, new int[] {1, 2});
            ExecutorService slots = Executors.newFixedThreadPool(2);
            try {
                Future<float[]> failing = slots.submit(() -> batching.evaluate(full, new int[] {5}));
                Future<float[]> ok = slots.submit(() -> batching.evaluate(fine, new int[] {3}));
                float[] logits = ok.get(30, TimeUnit.SECONDS);
                assertEquals(engine.config().vocab(), logits.length);
                var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> failing.get(30, TimeUnit.SECONDS));
                assertTrue(e.getCause().getMessage().contains("do not fit the context"), e.getCause().getMessage());
                assertEquals(3, fine.position());
                assertEquals(4, full.position());
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                slots.shutdownNow();
            }
        }
    }
}
