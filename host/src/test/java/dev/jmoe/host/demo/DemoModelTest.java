package dev.jmoe.host.demo;

import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.EngineOptions;
import dev.jmoe.host.engine.Session;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.model.ModelConfig;
import dev.jmoe.host.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo model: written once, seeded (the same bytes every time), loadable and runnable by the engine. */
class DemoModelTest {
    @TempDir
    Path dir;

    @Test
    void isWrittenOnceIntoTheCacheWithItsVersionInTheName() throws Exception {
        Path file = DemoModel.ensure(dir.resolve("cache"));
        assertEquals(dir.resolve("cache").resolve("demo-qwen3moe-v" + DemoModel.VERSION + ".gguf"), file);
        var written = Files.getLastModifiedTime(file);
        Thread.sleep(20);
        assertEquals(file, DemoModel.ensure(dir.resolve("cache")));
        assertEquals(written, Files.getLastModifiedTime(file), "an existing demo model is reused, not rewritten");
        try (var left = Files.list(dir.resolve("cache"))) {
            assertEquals(1, left.count(), "no temp file left behind");
        }
    }

    @Test
    void writingTwiceGivesTheSameBytes() throws Exception {
        Path a = DemoModel.ensure(dir.resolve("a"));
        Path b = DemoModel.ensure(dir.resolve("b"));
        assertEquals(-1, Files.mismatch(a, b));
    }

    @Test
    void hasTheShapeItPromises() {
        GgufModel model = GgufModel.open(DemoModel.ensure(dir));
        {
            ModelConfig c = ModelConfig.from(model);
            assertEquals("qwen3moe", c.arch().ggufName);
            assertEquals(2, c.layers());
            assertEquals(128, c.embd());
            assertEquals(8, c.experts());
            assertEquals(2, c.expertsUsed());
            Tokenizer t = Tokenizer.of(model);
            assertEquals(c.vocab(), t.vocabSize());
            assertTrue(t.vocabSize() > 256 + 200, "a few hundred merges: " + t.vocabSize());
        }
    }

    @Test
    void vocabularyMergesCommonEnglishAndRoundTrips() {
        GgufModel model = GgufModel.open(DemoModel.ensure(dir));
        {
            Tokenizer t = Tokenizer.of(model);
            String text = "Once upon a time, the stranger went to the town.";
            int[] ids = t.encode(text, true, true);
            assertTrue(ids.length < text.length() / 2, "merged into word pieces: " + Arrays.toString(ids));
            assertEquals(text, t.decode(ids));
            assertEquals(1, t.encode(" the", false, false).length, "' the' is one of the most frequent words of the corpus");
            int[] chat = t.encode("<|im_start|>user\nhi<|im_end|>", false, true);
            assertEquals("<|im_start|>", t.tokenPiece(chat[0]));
            assertTrue(t.isEog(chat[chat.length - 1]), "<|im_end|> ends a turn");
            assertFalse(t.addsBos(), "a Qwen-style vocabulary adds no BOS");
        }
    }

    @Test
    void engineRunsItAndGreedyGenerationIsDeterministic() {
        Path file = DemoModel.ensure(dir);
        int[] first = greedy(file, 1, 12);
        assertArrayEquals(first, greedy(file, 1, 12));
        assertArrayEquals(first, greedy(file, 2, 12), "the same tokens with 2 threads");
    }

    private static int[] greedy(Path file, int threads, int n) {
        try (Engine engine = Engine.load(file, EngineOptions.defaults(threads).withContext(64))) {
            Tokenizer t = Tokenizer.of(engine.model());
            Session s = engine.newSession();
            float[] logits = s.evaluate(t.encode("Once upon a time"));
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                for (float f : logits) assertTrue(Float.isFinite(f));
                out[i] = argmax(logits);
                logits = s.evaluate(new int[] {out[i]});
            }
            return out;
        }
    }

    private static int argmax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
        return best;
    }
}
