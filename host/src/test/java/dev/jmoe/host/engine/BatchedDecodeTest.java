package dev.jmoe.host.engine;

import dev.jmoe.host.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Engine#decode}: one decode step of several sessions in one forward pass gives, for each session, the
 * logits that session gets decoding alone, bit for bit (the kernels round a four-token product as a one-token
 * one), whatever the sessions' positions; and a step one session cannot take changes none of them.
 */
class BatchedDecodeTest {
    private static final int[][] PROMPTS = {{1, 17, 300, 42, 9, 1000, 77}, {5}, {1900, 12, 8}};
    private static final int[][] STEPS = {{11, 22, 33}, {400, 500, 600}, {7, 7, 7}, {2047, 0, 1024}};

    private static EngineOptions options(int ubatch) {
        return EngineOptions.defaults(2).withContext(32).withBatch(2048, ubatch);
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3moe-a-q4_k_m", "qwen3moe-a-q8_0", "mixtral-a-q4_k_m", "qwen3moe-a-f32", "ds2-a-q4_k_m"})
    void batchedStepsEqualEachSessionDecodingAlone(String model) {
        try (Engine engine = Engine.load(TestData.model(model), options(512))) {
            List<Session> batched = sessions(engine);
            List<Session> alone = sessions(engine);
            for (int[] step : STEPS) {
                float[][] rows = engine.decode(batched, step);
                assertEquals(PROMPTS.length, rows.length);
                for (int s = 0; s < PROMPTS.length; s++) {
                    float[] expected = alone.get(s).evaluate(new int[] {step[s]});
                    assertArrayEquals(expected, rows[s], model + ": session " + s + " at position " + alone.get(s).position());
                    assertEquals(alone.get(s).position(), batched.get(s).position());
                }
            }
        }
    }

    @Test
    void aStepLargerThanTheMicroBatchIsSplitAndStillExact() {
        try (Engine engine = Engine.load(TestData.model("qwen3moe-a-q4_k_m"), options(2))) {
            List<Session> batched = sessions(engine);
            List<Session> alone = sessions(engine);
            float[][] rows = engine.decode(batched, STEPS[0]);
            for (int s = 0; s < PROMPTS.length; s++) assertArrayEquals(alone.get(s).evaluate(new int[] {STEPS[0][s]}), rows[s]);
        }
    }

    @Test
    void aStepOneSessionCannotTakeChangesNone() {
        try (Engine engine = Engine.load(TestData.model("qwen3moe-a-q8_0"), options(512).withContext(7))) {
            List<Session> sessions = sessions(engine); // session 0 holds 7 tokens: its context is full
            assertThrows(ContextFullException.class, () -> engine.decode(sessions, STEPS[0]));
            assertEquals(List.of(7, 1, 3), sessions.stream().map(Session::position).toList());
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> engine.decode(sessions.subList(1, 3), new int[] {1, 99999}));
            assertTrue(bad.getMessage().contains("token id 99999"), bad.getMessage());
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                    () -> engine.decode(List.of(sessions.get(1), sessions.get(1)), new int[] {1, 2}));
            assertTrue(twice.getMessage().contains("appears twice"), twice.getMessage());
            assertEquals(List.of(7, 1, 3), sessions.stream().map(Session::position).toList());
        }
    }

    private static List<Session> sessions(Engine engine) {
        return java.util.Arrays.stream(PROMPTS).map(p -> {
            Session s = engine.newSession();
            s.evaluate(p);
            return s;
        }).toList();
    }
}
