package dev.jmoe.host.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded load on loopback, the size: 32 concurrent streaming clients on 4 slots (continuous
 * batching), {@value #ROUNDS} requests each, a seeded quarter of the requests hanging up at a random point
 * (before the response, or after some events, with a reset). Every completed stream is whole (valid chunks
 * of one id, the finish reason only on the last, usage, [DONE]) and is the reply to its own prompt: equal to
 * that prompt's reply asked alone afterwards. No slot leaks (the metrics return to idle), no request is
 * refused, and the server still answers.
 */
@Timeout(120)
class LoadTest {
    private static final int CLIENTS = 32;
    private static final int ROUNDS = 3;
    private static final int SLOTS = 4;
    private static final int MAX_TOKENS = 16;
    private static final long SEED = 20261201;

    private static String prompt(int client, int round) {
        return "Client " + client + " in round " + round + " asks:";
    }

    private static ObjectNode request(String prompt, boolean stream) {
        return Http.JSON.createObjectNode().put("prompt", prompt).put("max_tokens", MAX_TOKENS).put("temperature", 0)
                .put("stream", stream);
    }

    /** A completed stream: its text and chunk id. */
    record Streamed(String prompt, String text, String id) {}

    /**
     * One request; hangUpAfter &lt; 0 reads it to the end, 0 hangs up before reading the status, k &gt; 0 after
     * k events. Returns the completed stream, or null for one that hung up.
     */
    private static Streamed run(int port, String prompt, int hangUpAfter) throws IOException {
        String body = request(prompt, true).toString();
        if (hangUpAfter == 0) {
            RawStream.sendAndHangUp(port, "/v1/completions", body);
            return null;
        }
        try (RawStream s = new RawStream(port, "/v1/completions", body)) {
            assertEquals(200, s.status);
            StringBuilder text = new StringBuilder();
            String id = null;
            JsonNode last = null;
            int events = 0;
            boolean done = false;
            for (String e; (e = s.nextEvent()) != null; ) {
                assertFalse(done, "an event after [DONE]: " + e);
                if (e.equals("[DONE]")) {
                    done = true;
                    continue;
                }
                if (++events == hangUpAfter) return null;
                assertTrue(last == null || last.path("choices").path(0).path("finish_reason").isNull(), "an event after the finish: " + e);
                last = Http.JSON.readTree(e);
                if (id == null) id = last.path("id").asText();
                assertEquals(id, last.path("id").asText(), "one stream, one id");
                assertEquals("text_completion", last.path("object").asText(), e);
                text.append(last.path("choices").path(0).path("text").asText());
            }
            assertTrue(done, prompt + ": no [DONE]");
            assertNotNull(last, prompt + ": no events");
            assertEquals("length", last.path("choices").path(0).path("finish_reason").asText(), prompt + ": " + last);
            assertEquals(MAX_TOKENS, last.path("usage").path("completion_tokens").asInt(), prompt + ": " + last);
            return new Streamed(prompt, text.toString(), id);
        }
    }

    @Test
    void thirtyTwoStreamingClientsWithHangUpsGetWholeOwnRepliesAndLeakNoSlot() throws Exception {
        // Each request's fate is drawn up front from a fixed seed: -1 reads to the end, 0..MAX_TOKENS hangs up.
        Random random = new Random(SEED);
        int[][] hangUp = new int[CLIENTS][ROUNDS];
        int quitters = 0;
        for (int[] client : hangUp) {
            for (int r = 0; r < ROUNDS; r++) {
                boolean quits = random.nextInt(4) == 0;
                client[r] = quits ? random.nextInt(MAX_TOKENS + 1) : -1;
                if (quits) quitters++;
            }
        }
        try (OpenAiServer server = TestServers.start(TestServers.config(SLOTS, CLIENTS), 256)) {
            Http http = new Http(server.port());
            Map<String, Streamed> completed = new ConcurrentHashMap<>();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            long start = System.nanoTime();
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    runs.add(clients.submit(() -> {
                        for (int r = 0; r < ROUNDS; r++) {
                            Streamed s = run(server.port(), prompt(client, r), hangUp[client][r]);
                            if (s != null) completed.put(s.prompt(), s);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : runs) f.get(90, TimeUnit.SECONDS);
            } finally {
                clients.shutdownNow();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(CLIENTS * ROUNDS - quitters, completed.size());

            Map<String, Double> m = awaitIdle(http);
            assertEquals(0.0, m.get("jmoe_slots_busy"));
            assertEquals(0.0, m.get("jmoe_queue_depth"));
            assertEquals(0.0, m.get("jmoe_requests_rejected_total"));
            System.out.printf("load: %d requests (%d hung up) in %.1f s; %.0f decode tokens in %.0f forward passes%n",
                    CLIENTS * ROUNDS, quitters, seconds, m.get("jmoe_decode_tokens_total"), m.get("jmoe_forward_passes_total"));

            Set<String> ids = new HashSet<>();
            for (Streamed s : completed.values()) {
                assertTrue(ids.add(s.id()), "two streams share the id " + s.id());
                JsonNode alone = http.post("/v1/completions", request(s.prompt(), false)).json();
                assertEquals(alone.path("choices").path(0).path("text").asText(), s.text(), s.prompt());
            }
            assertEquals(200, http.get("/health").status());
        }
    }

    private static Map<String, Double> awaitIdle(Http http) throws InterruptedException {
        Map<String, Double> m = PrometheusParser.parse(http.get("/metrics").body());
        for (int i = 0; i < 200 && (m.get("jmoe_slots_busy") > 0 || m.get("jmoe_queue_depth") > 0); i++) {
            Thread.sleep(25);
            m = PrometheusParser.parse(http.get("/metrics").body());
        }
        return m;
    }
}
