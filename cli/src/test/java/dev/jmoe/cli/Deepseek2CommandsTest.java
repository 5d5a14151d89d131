package dev.jmoe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmoe.host.TestData;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** run, bench and synth on deepseek2 (the server is covered by the host's Deepseek2ServeTest). */
class Deepseek2CommandsTest {
    @TempDir
    Path dir;

    @Test
    void runsFirstGreedyTokenIsTheArgmaxOfTheReferenceLogits() throws Exception {
        List<String> golden = Files.readAllLines(TestData.golden("ds2-a-f32.tokens.txt"));
        int vocab = 2048;
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(TestData.golden("ds2-a-f32.logits.f32"))).order(ByteOrder.LITTLE_ENDIAN);
        int last = b.capacity() / 4 / vocab - 1;
        int best = 0;
        for (int i = 1; i < vocab; i++) if (b.getFloat(4 * (last * vocab + i)) > b.getFloat(4 * (last * vocab + best))) best = i;
        String piece = Tokenizer.of(GgufModel.open(TestData.model("ds2-a-f32"))).tokenPiece(best);
        MainTest.Result r = MainTest.jmoe("run", "-m", TestData.model("ds2-a-f32").toString(), "-p", golden.get(0), "-n", "1",
                "--temp", "0", "-t", "2");
        assertEquals(0, r.code(), r.err());
        assertEquals(golden.get(0) + piece + "\n", r.out());
    }

    @Test
    void benchAndASynthDeepseekV3() throws Exception {
        Path file = dir.resolve("v3.gguf");
        MainTest.Result w = MainTest.jmoe("synth", "--like", "deepseek-v3", "--layers", "4", "--n-embd", "256", "--experts", "16",
                "--expert-ff", "64", "--heads", "4", "--ff", "256", "--vocab", "512", "--type", "q4_k_m", "-o", file.toString());
        assertEquals(0, w.code(), w.err());
        var md = GgufModel.open(file).metadata();
        assertEquals("deepseek2", md.getString("general.architecture"));
        assertEquals(3, md.getInt("deepseek2.leading_dense_block_count"), "from the preset");
        assertEquals(8, md.getInt("deepseek2.expert_group_count"), "from the preset");
        for (Path model : new Path[] {file, TestData.model("ds2-a-q4_k_m")}) {
            MainTest.Result r = MainTest.jmoe("bench", "-m", model.toString(), "-p", "16", "-n", "4", "-r", "1", "-t", "1", "-o", "json");
            assertEquals(0, r.code(), r.err());
            JsonNode json = new ObjectMapper().readTree(r.out());
            assertEquals(2, json.size(), r.out());
            for (JsonNode o : json) assertTrue(o.get("avg_ts").asDouble() > 0, o.toString());
        }
    }

    @Test
    void latentFlagsOnALlamaShapeAreOneLine() {
        MainTest.Result r = MainTest.jmoe("synth", "--like", "speed", "--kv-lora-rank", "256", "-o", dir.resolve("x.gguf").toString());
        assertEquals(1, r.code());
        assertEquals("jmoe synth: --ff, --leading-dense, --q-lora-rank and --kv-lora-rank are for deepseek2 shapes (--like deepseek-v3 or deepseek-v2-lite)",
                r.err().strip());
    }
}
