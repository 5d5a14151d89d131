package dev.jmoe.host.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded load on loopback: 16 concurrent streaming clients on 2 slots, a quarter of them hanging up after
 * a few events. Every completed stream is whole and is the reply to its own prompt (equal to that prompt's
 * reply asked alone), no slot leaks, and the server still answers afterwards.
 */
@Timeout(180)
class LoadTest {
    private static final int CLIENTS = 16;
    private static final int MAX_TOKENS = 24;

    private static String request(int client) {
        return Http.JSON.createObjectNode().put("prompt", "Client number " + client + " asks:").put("max_tokens", MAX_TOKENS)
                .put("temperature", 0).put("stream", true).toString();
    }

    /** The streamed text, or null for a client that hung up. */
    private static String run(int port, int client) throws Exception {
        try (RawStream s = new RawStream(port, "/v1/completions", request(client))) {
            assertEquals(200, s.status);
            boolean quitter = client % 4 == 3;
            StringBuilder text = new StringBuilder();
            JsonNode last = null;
            int events = 0;
            for (String e; (e = s.nextEvent()) != null && !e.equals("[DONE]"); ) {
                if (quitter && ++events == 1 + client % 3) return null;
                last = Http.JSON.readTree(e);
                text.append(last.path("choices").path(0).path("text").asText());
            }
            assertTrue(last != null && "length".equals(last.path("choices").path(0).path("finish_reason").asText()), "client " + client + ": " + last);
            assertEquals(MAX_TOKENS, last.path("usage").path("completion_tokens").asInt());
            return text.toString();
        }
    }

    @Test
    void concurrentStreamsWithHangUpsStayWholeAndLeakNoSlot() throws Exception {
        try (OpenAiServer server = TestServers.start(TestServers.config(2, CLIENTS), 256)) {
            Http http = new Http(server.port());
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<String>> results = new ArrayList<>();
            try {
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    results.add(clients.submit(() -> run(server.port(), client)));
                }
                for (int c = 0; c < CLIENTS; c++) {
                    String streamed = results.get(c).get(120, TimeUnit.SECONDS);
                    if (streamed == null) continue;
                    var asAlone = (com.fasterxml.jackson.databind.node.ObjectNode) Http.JSON.readTree(request(c));
                    JsonNode alone = http.post("/v1/completions", asAlone.put("stream", false)).json();
                    assertEquals(alone.path("choices").path(0).path("text").asText(), streamed, "client " + c);
                }
            } finally {
                clients.shutdownNow();
            }
            Map<String, Double> m = PrometheusParser.parse(http.get("/metrics").body());
            for (int i = 0; i < 100 && (m.get("jmoe_slots_busy") > 0 || m.get("jmoe_queue_depth") > 0); i++) {
                Thread.sleep(50);
                m = PrometheusParser.parse(http.get("/metrics").body());
            }
            assertEquals(0.0, m.get("jmoe_slots_busy"));
            assertEquals(0.0, m.get("jmoe_queue_depth"));
            assertEquals(0.0, m.get("jmoe_requests_rejected_total"));
            assertEquals(200, http.get("/health").status());
        }
    }
}
