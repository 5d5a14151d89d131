package dev.jmoe.cli;

import dev.jmoe.host.TestData;
import dev.jmoe.host.gguf.GgufValue;
import dev.jmoe.host.model.ModelRewrite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jmoe serve}: bad settings and a model that cannot load are one line and exit 1, leaving nothing listening. */
class ServeCommandTest {
    @Test
    void zeroSlotsIsOneLine() {
        MainTest.Result r = MainTest.jmoe("serve", "-m", TestData.model("qwen3moe-a-q8_0").toString(), "--parallel", "0", "--port", "0");
        assertEquals(1, r.code());
        assertEquals("jmoe serve: --parallel must be at least 1, got 0", r.err().strip());
    }

    @Test
    void anUnsupportedModelFailsAfterListeningAndStopsTheServer(@TempDir Path dir) {
        Path gpt2 = dir.resolve("gpt2.gguf");
        ModelRewrite.rewrite(TestData.model("qwen3moe-a-q8_0"), gpt2,
                md -> md.put("general.architecture", new GgufValue.Str("gpt2")), (t, w) -> w.same(t));
        MainTest.Result r = MainTest.jmoe("serve", "-m", gpt2.toString(), "--port", "0");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("jmoe serve: listening on http://127.0.0.1:"), r.err());
        assertTrue(r.err().contains("architecture gpt2 is not supported"), r.err());
    }
}
