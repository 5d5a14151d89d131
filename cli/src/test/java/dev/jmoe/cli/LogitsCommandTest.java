package dev.jmoe.cli;

import dev.jmoe.host.TestData;
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

/** {@code jmoe logits}: the file it writes matches the reference's logits; bad input is one line. */
class LogitsCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTheReferenceLogitsOfTheF32Model() throws Exception {
        List<String> lines = Files.readAllLines(TestData.golden("qwen3moe-a-f32.tokens.txt"));
        Path out = dir.resolve("logits.f32");
        MainTest.Result r = MainTest.jmoe("logits", "-m", TestData.model("qwen3moe-a-f32").toString(),
                "--tokens", lines.get(1).trim(), "-o", out.toString(), "-t", "2", "-ub", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("tokens/s"), r.err());
        float[] golden = floats(TestData.golden("qwen3moe-a-f32.logits.f32"));
        float[] actual = floats(out);
        assertEquals(golden.length, actual.length);
        for (int i = 0; i < golden.length; i++) assertEquals(golden[i], actual[i], 0.01f, "logit " + i);
    }

    @Test
    void tokenOutOfRangeIsOneLine() {
        MainTest.Result r = MainTest.jmoe("logits", "-m", TestData.model("qwen3moe-a-q8_0").toString(),
                "--tokens", "1,4096", "-o", dir.resolve("x").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("jmoe logits: token id 4096 (at index 1) is out of range"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void moreTokensThanTheContextIsOneLine() {
        MainTest.Result r = MainTest.jmoe("logits", "-m", TestData.model("qwen3moe-a-q8_0").toString(),
                "--tokens", "1,2,3,4,5", "-c", "4", "-o", dir.resolve("x").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("do not fit the context of 4 tokens"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    /** deepseek2 through the command: the file it writes agrees with the reference's within the README's 0.01. */
    @Test
    void deepseek2LogitsFileMatchesTheReference() throws Exception {
        String ids = java.nio.file.Files.readAllLines(TestData.golden("ds2-a-f32.tokens.txt")).get(1);
        Path out = dir.resolve("ds2.f32");
        MainTest.Result r = MainTest.jmoe("logits", "-m", TestData.model("ds2-a-f32").toString(), "--tokens", ids, "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        java.nio.ByteBuffer got = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(out)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        java.nio.ByteBuffer want = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(TestData.golden("ds2-a-f32.logits.f32")))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(want.capacity(), got.capacity());
        for (int i = 0; i < want.capacity(); i += 4) assertEquals(want.getFloat(i), got.getFloat(i), 0.01f, "logit " + i / 4);
    }

    @Test
    void unknownCacheTypeIsAUsageError() {
        MainTest.Result r = MainTest.jmoe("logits", "-m", "x.gguf", "--tokens", "1", "-o", "y", "--cache-type-k", "q4_0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown cache type 'q4_0'"), r.err());
    }

    private static float[] floats(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}
