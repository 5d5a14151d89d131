package dev.jmoe.host.engine;

import dev.jmoe.host.TestData;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a session promises whatever the batching: the same logits, bit for bit, with micro-batches of 1, 3 or
 * all tokens, decoding token by token, one or two threads, and after truncating.
 */
class SessionTest {
    private static final String MODEL = "qwen3moe-a-q4_k_m";
    private static float[] all(EngineOptions options, int[] tokens) {
        try (Engine engine = Engine.load(TestData.model(MODEL), options)) {
            return engine.newSession().evaluateAll(tokens);
        }
    }

    /**
     * Logits of a prompt batch (tile products) against the same positions decoded by the dots. They differ by
     * rounding (about 3e-6 here) until an 8-bit activation rounding flips somewhere; then a position moves by
     * up to the golden tests' 0.25 (0.086 measured: exactly the dots' distance from the golden logits there,
     * which the tiles match). MatMulTest holds the tiles to the exact reference; this catches wiring.
     */
    static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + ": length");
        double worst = 0;
        for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]));
        assertTrue(worst <= BATCH_TOLERANCE, what + ": max |diff| " + worst + " above " + BATCH_TOLERANCE);
    }

    static final double BATCH_TOLERANCE = 0.25;

    private static EngineOptions options(int threads, int ubatch) {
        return EngineOptions.defaults(threads).withContext(64).withBatch(2048, ubatch);
    }

    @Test
    void microBatchSizeDoesNotChangeTheLogits() throws Exception {
        int[] tokens = GoldenLogits.of(MODEL).tokens();
        // Micro-batches below MatMul.TILE_MIN_TOKENS take the dots; four tokens share each weight block's
        // decoding (RowDot.dot4), which must round exactly as the one-token dot does: a last-bit difference
        // can flip an 8-bit activation rounding in the next layer.
        float[] single = all(options(2, 1), tokens);
        assertArrayEquals(single, all(options(2, 3), tokens));
        assertArrayEquals(single, all(options(2, 7), tokens));
        // A whole prompt takes the tile products (dequantized rows × dequantized activations): the same
        // quantized values, rounded per product instead of per block.
        assertClose(single, all(options(2, 512), tokens), "whole prompt against token by token");
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalLogits() throws Exception {
        int[] tokens = GoldenLogits.of(MODEL).tokens();
        assertArrayEquals(all(options(1, 7), tokens), all(options(2, 7), tokens));
    }

    @Test
    void decodingOneTokenAtATimeMatchesTheBatchAndTruncateRewinds() throws Exception {
        int[] tokens = GoldenLogits.of(MODEL).tokens();
        float[] batch = all(options(2, 512), tokens);
        try (Engine engine = Engine.load(TestData.model(MODEL), options(2, 512))) {
            Session s = engine.newSession();
            int vocab = s.vocabSize();
            float[] last = null;
            for (int t = 0; t < tokens.length; t++) {
                last = s.evaluate(new int[] {tokens[t]});
                assertClose(Arrays.copyOfRange(batch, t * vocab, (t + 1) * vocab), last, "position " + t);
            }
            assertEquals(tokens.length, s.position());
            s.truncate(5);
            float[] again = s.evaluate(Arrays.copyOfRange(tokens, 5, tokens.length));
            assertClose(last, again, "the rest again after truncate");
            s.reset();
            assertClose(Arrays.copyOfRange(batch, 0, vocab), s.evaluate(new int[] {tokens[0]}), "position 0 after reset");
        }
    }

    @Test
    void aBatchBeyondTheContextIsRefusedBeforeAnythingChanges() {
        try (Engine engine = Engine.load(TestData.model(MODEL), options(1, 512).withContext(8))) {
            Session s = engine.newSession();
            s.evaluate(new int[] {1, 2, 3, 4, 5, 6});
            ContextFullException e = assertThrows(ContextFullException.class, () -> s.evaluate(new int[] {7, 8, 9}));
            assertTrue(e.getMessage().contains("3 tokens at position 6 do not fit the context of 8 tokens (2 free)"), e.getMessage());
            assertEquals(6, s.position());
            s.evaluate(new int[] {7, 8});
            assertEquals(8, s.position());
        }
    }

    @Test
    void badTokensAndEmptyBatchesAreRefused() {
        try (Engine engine = Engine.load(TestData.model(MODEL), options(1, 512))) {
            Session s = engine.newSession();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.evaluate(new int[] {1, -1}));
            assertTrue(e.getMessage().contains("token id -1 (at index 1) is out of range: the vocabulary has 4096 tokens"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.evaluate(new int[0]));
            assertEquals(0, s.position());
        }
    }
}
