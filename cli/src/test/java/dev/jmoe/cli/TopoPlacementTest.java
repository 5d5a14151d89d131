package dev.jmoe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmoe.host.TestData;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufTensorInfo;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jmoe topo -m MODEL --numa MODE}: the placement report on this one-node machine. */
class TopoPlacementTest {
    private static final String MODEL = TestData.model("mixtral-a-q4_k_m").toString();

    @Test
    void mirrorJsonPutsEveryByteOfEveryClassOnNodeZero() throws IOException {
        MainTest.Result r = MainTest.jmoe("topo", "-m", MODEL, "--numa", "mirror", "-c", "100", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertTrue(root.has("numa") && root.has("cpu"), "the topology is still there");
        JsonNode placement = root.path("placement");
        assertEquals("mirror", placement.path("numa").asText());
        assertEquals(1, placement.path("replicas").asInt());
        GgufModel model = GgufModel.open(TestData.model("mixtral-a-q4_k_m"));
        long experts = model.tensors().stream().filter(GgufTensorInfo::isExpert).mapToLong(GgufTensorInfo::bytes).sum();
        long weights = model.tensors().stream().filter(t -> !t.isExpert()).mapToLong(GgufTensorInfo::bytes).sum();
        // An f16 key row and value row of head_count_kv x head size per position and layer (testdata README).
        var meta = model.metadata();
        long kvWidth = meta.getLong("llama.attention.head_count_kv") * (meta.getLong("llama.embedding_length") / meta.getLong("llama.attention.head_count"));
        long kvCache = meta.getLong("llama.block_count") * 100 * 2 * kvWidth * 2;
        assertEquals(4, placement.path("classes").size(), placement.toString());
        for (JsonNode c : placement.path("classes")) {
            long expected = switch (c.path("class").asText()) {
                case "experts" -> experts;
                case "weights" -> weights;
                case "kv cache" -> kvCache;
                default -> c.path("bytesByNode").path("0").asLong(); // scratch: the heap's present pages, whatever they add up to
            };
            assertTrue(expected > 0, c.toString());
            assertEquals(1, c.path("bytesByNode").size(), c.toString());
            assertEquals(expected, c.path("bytesByNode").path("0").asLong(), c.toString());
        }
        assertEquals("scratch", placement.path("classes").get(3).path("class").asText());
    }

    @Test
    void distributeTextReportsThePlacement() {
        MainTest.Result r = MainTest.jmoe("topo", "-m", MODEL, "--numa", "distribute");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\nPlacement: numa distribute, 1 replica(s)\n"), r.out());
        assertTrue(r.out().contains("  experts   replica 0: node 0 "), r.out());
        assertTrue(r.out().contains("  kv cache  replica 0: node 0 "), r.out());
        assertTrue(r.out().contains("  scratch   replica 0: node 0 "), r.out());
    }

    @Test
    void numaWithoutModelOrWithUnknownModeIsAUsageError() {
        MainTest.Result noModel = MainTest.jmoe("topo", "--numa", "mirror");
        assertEquals(2, noModel.code());
        assertTrue(noModel.err().contains("--numa needs a model to place: -m MODEL"), noModel.err());
        MainTest.Result badMode = MainTest.jmoe("topo", "-m", MODEL, "--numa", "spread");
        assertEquals(2, badMode.code());
        assertTrue(badMode.err().contains("unknown --numa mode 'spread' (expected one of off, distribute, isolate, numactl, mirror)"), badMode.err());
    }
}
