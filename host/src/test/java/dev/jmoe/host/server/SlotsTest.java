package dev.jmoe.host.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Slots and the queue: refusal when full, a vanished client frees its slot, two slots run side by side. */
@Timeout(120)
class SlotsTest {
    private static final int CONTEXT = 2048;
    private static final int LONG = 1500;

    private static String longRequest() {
        return Http.JSON.createObjectNode().put("prompt", "Once upon a time").put("max_tokens", LONG)
                .put("temperature", 0).put("stream", true).toString();
    }

    private static Map<String, Double> metrics(Http http) {
        return PrometheusParser.parse(http.get("/metrics").body());
    }

    private static void awaitIdle(Http http) throws InterruptedException {
        for (int i = 0; i < 200 && metrics(http).get("jmoe_slots_busy") > 0; i++) Thread.sleep(50);
        assertEquals(0.0, metrics(http).get("jmoe_slots_busy"), "a slot stayed busy");
    }

    @Test
    void aFullQueueIsRefusedAndADisconnectedClientFreesItsSlot() throws Exception {
        try (OpenAiServer server = TestServers.start(TestServers.config(1, 0), CONTEXT)) {
            Http http = new Http(server.port());
            RawStream stream = new RawStream(server.port(), "/v1/completions", longRequest());
            assertEquals(200, stream.status);
            assertNotNull(stream.nextEvent()); // generating now

            Http.Response refused = http.post("/v1/completions", CompletionsTest.completion("hi", 2));
            assertEquals(429, refused.status(), refused.body());
            assertEquals("rate_limit_error", refused.json().path("error").path("type").asText());
            assertTrue(refused.json().path("error").path("message").asText().contains("busy"), refused.body());
            assertEquals(1.0, metrics(http).get("jmoe_requests_rejected_total"));
            assertEquals(1.0, metrics(http).get("jmoe_slots_busy"));

            stream.close();
            awaitIdle(http);
            double generated = metrics(http).get("jmoe_tokens_generated_total");
            assertTrue(generated < LONG, "the abandoned request ran to the end: " + generated + " tokens");

            Http.Response after = http.post("/v1/completions", CompletionsTest.completion("hi", 2));
            assertEquals(200, after.status(), after.body());
        }
    }

    @Test
    void twoSlotsServeTwoRequestsAtOnce() throws Exception {
        try (OpenAiServer server = TestServers.start(TestServers.config(2, 0), CONTEXT)) {
            Http http = new Http(server.port());
            try (RawStream first = new RawStream(server.port(), "/v1/completions", longRequest())) {
                assertNotNull(first.nextEvent());
                // With the first request still generating, a second one on the other slot completes.
                Http.Response second = http.post("/v1/completions", CompletionsTest.completion("Hello", 8));
                assertEquals(200, second.status(), second.body());
                assertEquals(8, second.json().path("usage").path("completion_tokens").asInt());
                assertEquals(1.0, metrics(http).get("jmoe_slots_busy"), "the first request should still be running");

                JsonNode last = null;
                StringBuilder text = new StringBuilder();
                for (String e; (e = first.nextEvent()) != null && !e.equals("[DONE]"); ) {
                    last = Http.JSON.readTree(e);
                    text.append(last.path("choices").path(0).path("text").asText());
                }
                assertNotNull(last);
                assertEquals("length", last.path("choices").path(0).path("finish_reason").asText());
                assertEquals(LONG, last.path("usage").path("completion_tokens").asInt());
                assertTrue(text.length() > 0);
            }
            awaitIdle(http);
        }
    }

    @Test
    void closingStopsARunningGenerationAndAnswersTheQueueWith503() throws Exception {
        OpenAiServer server = TestServers.start(TestServers.config(1, 1), CONTEXT);
        Http http = new Http(server.port());
        try (RawStream running = new RawStream(server.port(), "/v1/completions", longRequest())) {
            assertNotNull(running.nextEvent());
            var waiting = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> http.post("/v1/completions", CompletionsTest.completion("queued", 2)));
            for (int i = 0; i < 200 && metrics(http).get("jmoe_queue_depth") < 1; i++) Thread.sleep(20);
            assertEquals(1.0, metrics(http).get("jmoe_queue_depth"));
            long start = System.nanoTime();
            server.close();
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "close took more than 10 s");
            Http.Response queued = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(503, queued.status(), queued.body());
            int events = 0;
            try {
                while (running.nextEvent() != null && events < LONG) events++;
            } catch (java.io.IOException expected) {
                // the connection was closed under the stream: also an end
            }
            assertTrue(events < LONG - 1, "the running generation went on after close: " + events + " more events");
        }
    }
}
