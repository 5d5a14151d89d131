package dev.jmoe.cli;

import dev.jmoe.host.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jmoe perplexity} against llama-perplexity's output for the same models and text. */
class PerplexityCommandTest {
    private static final Pattern RUNNING = Pattern.compile("\\[(\\d+)]([0-9.]+),");
    private static final Pattern FINAL = Pattern.compile("Final estimate: PPL.* = ([0-9.]+) \\+/- ([0-9.]+)");

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"qwen3moe-a-f32, false", "mixtral-a-f32, false", "qwen3moe-a-q8_0, true", "qwen3moe-a-q6_k, true",
            "qwen3moe-a-q4_0, true", "qwen3moe-a-q4_k_m, true", "mixtral-a-q4_k_m, true",
            "ds2-a-f32, false", "ds2-a-q4_k_m, true"})
    void matchesLlamaPerplexity(String model, boolean quantized) throws Exception {
        // The final estimate within 0.5% (F32) or 2% (quantized), as the testdata README asks. A single 64-token
        // chunk moves more when rounding picks a different expert at one position: mixtral-a-f32's first chunk
        // reads 45114 against the golden 44632 (1.1%, 0.13% in the end), and ik_llama.cpp itself, built on this
        // AVX2 machine (with the README's llama-with-experts fix), gives 45114.20 there too; so F32 running values
        // are held to 1.5% only.
        double tolerance = quantized ? 0.02 : 0.005;
        double chunkTolerance = 0.015;
        MainTest.Result r = MainTest.jmoe("perplexity", "-m", TestData.model(model).toString(),
                "-f", TestData.root().resolve("text/GPL-3.txt").toString(), "-c", "128", "--chunks", "8", "-t", "2");
        assertEquals(0, r.code(), r.err());
        String golden = Files.readString(TestData.golden(model + ".ppl.txt"));
        List<Double> expected = running(golden);
        List<Double> actual = running(r.out());
        assertEquals(8, expected.size());
        assertEquals(expected.size(), actual.size(), r.out());
        if (!quantized) {
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i), actual.get(i), expected.get(i) * chunkTolerance, "chunk " + (i + 1) + ": " + r.out());
            }
        }
        double[] e = last(golden);
        double[] a = last(r.out());
        assertEquals(e[0], a[0], e[0] * tolerance, r.out());
        assertEquals(e[1], a[1], e[1] * tolerance * 2, "standard error: " + r.out());
    }

    @Test
    void textShorterThanTwoContextsIsOneLine() throws Exception {
        Path text = Files.writeString(dir.resolve("short.txt"), "Just a few words.");
        MainTest.Result r = MainTest.jmoe("perplexity", "-m", TestData.model("qwen3moe-a-q8_0").toString(), "-f", text.toString(), "-c", "128");
        assertEquals(1, r.code());
        assertTrue(r.err().matches("jmoe perplexity: the text has \\d tokens; perplexity with a context of 128 needs at least 256\\s*"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void missingTextFileIsOneLine() {
        MainTest.Result r = MainTest.jmoe("perplexity", "-m", TestData.model("qwen3moe-a-q8_0").toString(), "-f", "/no/such.txt");
        assertEquals(1, r.code());
        assertEquals("jmoe perplexity: no such file: /no/such.txt", r.err().strip());
    }

    private static List<Double> running(String output) {
        List<Double> values = new ArrayList<>();
        Matcher m = RUNNING.matcher(output);
        while (m.find()) {
            assertEquals(values.size() + 1, Integer.parseInt(m.group(1)));
            values.add(Double.parseDouble(m.group(2)));
        }
        return values;
    }

    private static double[] last(String output) {
        Matcher m = FINAL.matcher(output);
        assertTrue(m.find(), output);
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }
}
