package dev.jmoe.host.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmoe.host.TestData;
import dev.jmoe.host.engine.CacheType;
import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.EngineOptions;
import dev.jmoe.host.engine.Session;
import dev.jmoe.host.mem.LoadOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real short benchmark and sweep on a tiny test model. */
class BenchRunnerTest {
    private static final Path MODEL = TestData.model("qwen3moe-a-q8_0");

    @Test
    void shortBenchGivesValidJsonWithTheRequiredKeys() throws Exception {
        BenchGrid grid = new BenchGrid(List.of(MODEL), List.of(16), List.of(4), List.of(0, 8), List.of(1), List.of(2048), List.of(8),
                List.of(CacheType.F16), List.of(CacheType.F16), List.of(LoadOptions.defaults()));
        List<String> progress = new ArrayList<>();
        List<BenchResult> results = new BenchRunner(2, (i, n, c, rep, reps) -> progress.add(i + "/" + n + " " + c.test().name() + " " + rep))
                .run(grid.expand());

        assertEquals(List.of("pp16", "tg4", "pp16 @ d8", "tg4 @ d8"), results.stream().map(r -> r.test().name()).toList());
        assertEquals(List.of("0/4 pp16 0", "0/4 pp16 1", "0/4 pp16 2", "1/4 tg4 0", "1/4 tg4 1", "1/4 tg4 2"), progress.subList(0, 6));
        JsonNode json = new ObjectMapper().readTree(BenchFormat.JSON.render(results));
        assertEquals(4, json.size());
        for (JsonNode o : json) {
            for (String key : List.of("model", "test", "n_prompt", "n_gen", "n_depth", "threads", "avg_ts", "stddev_ts", "samples_ts",
                    "n_batch", "n_ubatch", "type_k", "type_v")) {
                assertTrue(o.has(key), key + " missing from " + o);
            }
            assertEquals(2, o.get("samples_ts").size());
            assertTrue(o.get("avg_ts").asDouble() > 0, o.toString());
            assertTrue(o.get("model").asText().startsWith("qwen3moe "), o.toString());
            assertEquals("CPU", o.get("backend").asText());
        }
        assertEquals(16, json.get(0).get("n_prompt").asInt());
        assertEquals(4, json.get(3).get("n_gen").asInt());
        assertEquals(8, json.get(3).get("n_depth").asInt());
    }

    @Test
    void sweepWalksTheContextInMicroBatches() {
        try (Engine engine = Engine.load(MODEL, EngineOptions.defaults(1).withContext(32).withBatch(8, 8))) {
            Session session = engine.newSession();
            List<SweepRow> seen = new ArrayList<>();
            List<SweepRow> rows = new SweepRunner().run(session, 8, seen::add);
            assertEquals(List.of(0, 8, 16, 24), rows.stream().map(SweepRow::nKv).toList());
            assertEquals(rows, seen);
            for (SweepRow r : rows) {
                assertEquals(8, r.nPp());
                assertEquals(2, r.nTg());
                assertTrue(r.speedPp() > 0 && r.speedTg() > 0, r.toString());
            }
            assertEquals(32, session.position(), "the last micro-batch stays in the cache");
        }
    }
}
