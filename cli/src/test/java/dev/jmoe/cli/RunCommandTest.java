package dev.jmoe.cli;

import dev.jmoe.host.TestData;
import dev.jmoe.host.demo.DemoModel;
import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.EngineOptions;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.gguf.GgufValue;
import dev.jmoe.host.gguf.GgufWriter;
import dev.jmoe.host.gguf.TensorDataSource;
import dev.jmoe.host.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jmoe run}: greedy output against the reference's logits, determinism across threads, one-line errors. */
class RunCommandTest {
    /** The test model (a method, not a field: without the test data the test is skipped, not broken). */
    private static String model() {
        return TestData.model("qwen3moe-a-f32").toString();
    }

    @TempDir
    Path dir;

    @Test
    void firstGreedyTokenIsTheArgmaxOfTheReferenceLogits() throws Exception {
        List<String> golden = Files.readAllLines(TestData.golden("qwen3moe-a-f32.tokens.txt"));
        String prompt = golden.get(0);
        int vocab = 4096;
        float[] logits = floats(TestData.golden("qwen3moe-a-f32.logits.f32"));
        int last = logits.length / vocab - 1;
        int best = 0;
        for (int i = 1; i < vocab; i++) if (logits[last * vocab + i] > logits[last * vocab + best]) best = i;
        String piece = Tokenizer.of(GgufModel.open(TestData.model("qwen3moe-a-f32"))).tokenPiece(best);

        MainTest.Result r = MainTest.jmoe("run", "-m", model(), "-p", prompt, "-n", "1", "--temp", "0", "-t", "2");
        assertEquals(0, r.code(), r.err());
        assertEquals(prompt + piece + "\n", r.out());
        assertTrue(r.err().contains("prompt eval time =") && r.err().contains("tokens per second"), r.err());
        assertTrue(r.err().contains(golden.get(1).split(",").length + " tokens"), "prompt token count in the timings: " + r.err());
    }

    @Test
    void greedyGenerationIsTheSameEveryTimeAndWithOneOrTwoThreads() {
        MainTest.Result one = MainTest.jmoe("run", "-m", model(), "-p", "Hello world", "-n", "16", "--temp", "0", "-t", "1", "--no-display-prompt");
        MainTest.Result two = MainTest.jmoe("run", "-m", model(), "-p", "Hello world", "-n", "16", "--temp", "0", "-t", "2", "--no-display-prompt");
        // without the warm-up: its kernels' results are the same, interpreted or compiled, and it leaves no state
        MainTest.Result again = MainTest.jmoe("run", "-m", model(), "-p", "Hello world", "-n", "16", "--temp", "0", "-t", "2", "--no-display-prompt", "--no-warmup");
        assertEquals(0, one.code(), one.err());
        assertFalse(one.out().isBlank());
        assertFalse(one.out().startsWith("Hello world"), "--no-display-prompt: " + one.out());
        assertEquals(one.out(), two.out());
        assertEquals(two.out(), again.out());
    }

    @Test
    void withoutLimitItStopsWhenTheContextIsFull() {
        MainTest.Result r = MainTest.jmoe("run", "-m", model(), "-p", "Hello world", "-c", "10", "--temp", "0", "-t", "2");
        assertEquals(0, r.code(), r.err());
        java.util.regex.Matcher prompt = java.util.regex.Pattern.compile("prompt eval time = .* / +(\\d+) tokens").matcher(r.err());
        java.util.regex.Matcher eval = java.util.regex.Pattern.compile(" eval time = .* / +(\\d+) runs").matcher(r.err());
        assertTrue(prompt.find() && eval.find(), r.err());
        // this model's greedy continuation of the prompt holds no end-of-generation token within 10 positions
        assertTrue(r.err().contains("jmoe run: context full (10 tokens, see -c)"), r.err());
        assertEquals(10, Integer.parseInt(prompt.group(1)) + Integer.parseInt(eval.group(1)), "every position of the context used: " + r.err());
        assertEquals(1, r.out().lines().count(), r.out());
    }

    @Test
    void seededSamplingIsReproducible() {
        String[] args = {"run", "-m", model(), "-p", "Hello", "-n", "12", "--seed", "42", "--temp", "1.0", "--top-k", "0", "--min-p", "0"};
        MainTest.Result a = MainTest.jmoe(args);
        MainTest.Result b = MainTest.jmoe(args);
        assertEquals(0, a.code(), a.err());
        assertEquals(a.out(), b.out());
    }

    @Test
    void withoutModelItRunsTheDemoModelAndSaysSo() throws Exception {
        String old = System.getProperty("jmoe.cache.dir");
        System.setProperty("jmoe.cache.dir", dir.toString());
        try {
            MainTest.Result r = MainTest.jmoe("run", "-p", "Once upon a time", "-n", "8", "--temp", "0");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith("Once upon a time"), r.out());
            assertTrue(r.out().length() > "Once upon a time".length() + 1, r.out());
            assertTrue(r.err().lines().filter(l -> l.contains("demo model")).count() == 1, r.err());
            try (var files = Files.list(dir)) {
                assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("demo-qwen3moe-v")), "written into the cache directory the property names");
            }
        } finally {
            if (old == null) System.clearProperty("jmoe.cache.dir");
            else System.setProperty("jmoe.cache.dir", old);
        }
    }

    @Test
    void stopsAtAnEndOfGenerationToken() {
        Path demo = DemoModel.ensure(dir);
        String prompt = "Once upon a time";
        int first;
        try (Engine engine = Engine.load(demo, EngineOptions.defaults(1).withContext(64))) {
            float[] logits = engine.newSession().evaluate(Tokenizer.of(engine.model()).encode(prompt));
            first = 0;
            for (int i = 1; i < logits.length; i++) if (logits[i] > logits[first]) first = i;
        }
        Path stopping = dir.resolve("stops-at-first-token.gguf");
        withEos(demo, stopping, first);

        MainTest.Result normal = MainTest.jmoe("run", "-m", demo.toString(), "-p", prompt, "-n", "4", "--temp", "0");
        MainTest.Result stopped = MainTest.jmoe("run", "-m", stopping.toString(), "-p", prompt, "-n", "4", "--temp", "0");
        assertEquals(0, stopped.code(), stopped.err());
        assertTrue(normal.out().length() > prompt.length() + 1, normal.out());
        assertEquals(prompt + "\n", stopped.out(), "the greedy first token is now EOS: nothing generated");
        assertTrue(stopped.err().contains("/     0 runs"), stopped.err());
    }

    /** A copy of {@code source} whose EOS is {@code eos}. */
    private static void withEos(Path source, Path target, int eos) {
        GgufModel model = GgufModel.open(source);
        GgufWriter w = new GgufWriter();
        model.metadata().asMap().forEach((k, v) -> w.put(k, k.equals("tokenizer.ggml.eos_token_id") ? new GgufValue.UInt32(eos) : v));
        try (TensorDataSource data = TensorDataSource.open(model)) {
            for (GgufTensorInfo t : model.tensors()) w.addTensor(t.name(), t.type(), t.shape(), data.segment(t));
            w.write(target);
        }
    }

    @Test
    void badFlagIsAUsageError() {
        MainTest.Result r = MainTest.jmoe("run", "-m", "x.gguf", "-p", "x", "--no-such-flag");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown option: '--no-such-flag'"), r.err());
    }

    @Test
    void negativeTokenCountBelowMinusOneIsAUsageError() {
        MainTest.Result r = MainTest.jmoe("run", "-m", "x.gguf", "-p", "x", "-n", "-2");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("-n must be -1 (no limit) or more, got -2"), r.err());
    }

    @Test
    void outOfRangeSamplingValueIsAUsageError() {
        MainTest.Result r = MainTest.jmoe("run", "-m", model(), "-p", "x", "--top-p", "1.5");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("top_p must be in (0, 1]"), r.err());
    }

    @Test
    void promptLongerThanTheContextIsOneLine() {
        MainTest.Result r = MainTest.jmoe("run", "-m", model(), "-p", "one two three four five six seven eight nine ten", "-c", "4");
        assertEquals(1, r.code());
        assertTrue(r.err().matches("jmoe run: the prompt has \\d+ tokens, more than the 4 left in the context of 4 \\(see -c\\)\\s*"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void contextTooLargeForTheMemoryIsRefusedBeforeRunning() {
        // 2 layers x 2e9 positions x (128 key + 128 value) f16 values: about 1.9 TiB of cache.
        MainTest.Result r = MainTest.jmoe("run", "-m", model(), "-p", "hello", "-c", "2000000000");
        assertEquals(1, r.code());
        assertTrue(r.err().strip().matches("jmoe run: the kv cache of 2000000000 positions needs 1\\.9 TiB but only .* of memory is available "
                + "\\(MemAvailable\\); a smaller -c needs less"), r.err());
    }

    @Test
    void emptyPromptIsOneLine() {
        MainTest.Result r = MainTest.jmoe("run", "-m", "x.gguf", "-p", "");
        assertEquals(1, r.code());
        assertEquals("jmoe run: the prompt is empty (-p)", r.err().strip());
    }

    @Test
    void missingPromptIsAUsageError() {
        MainTest.Result r = MainTest.jmoe("run", "-m", "x.gguf");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Missing required option: '--prompt=PROMPT'"), r.err());
    }

    static float[] floats(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}
