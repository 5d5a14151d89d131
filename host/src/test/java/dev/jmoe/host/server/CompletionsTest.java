package dev.jmoe.host.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Completions and chat over real HTTP against the tiny model: greedy output equals the engine's own greedy
 * decode, streamed deltas add up to the whole response, the chat template is ChatML (the model has none),
 * max_tokens, stop strings, usage, tokenize/detokenize and metrics.
 */
@Timeout(120)
class CompletionsTest {
    private static final int CONTEXT = 512;
    private static final String PROMPT = "The quick brown fox";

    private static OpenAiServer server;
    private static Http http;
    private static Tokenizer tokenizer;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(TestServers.config(2, 2), CONTEXT);
        http = new Http(server.port());
        tokenizer = Tokenizer.of(GgufModel.open(TestServers.model()));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static ObjectNode completion(String prompt, int maxTokens) {
        ObjectNode body = Http.JSON.createObjectNode().put("prompt", prompt).put("max_tokens", maxTokens).put("temperature", 0);
        return body;
    }

    private static String text(JsonNode response) {
        return response.path("choices").path(0).path("text").asText();
    }

    @Test
    void greedyCompletionIsTheEnginesGreedyDecodeWithUsageAndLengthFinish() {
        int[] prompt = tokenizer.encode(PROMPT);
        GreedyReference.Completion expected = GreedyReference.generate(TestServers.model(), CONTEXT, prompt, 20);
        Http.Response r = http.post("/v1/completions", completion(PROMPT, 20));
        assertEquals(200, r.status(), r.body());
        JsonNode j = r.json();
        assertEquals("text_completion", j.path("object").asText());
        assertTrue(j.path("id").asText().startsWith("cmpl-"), j.toString());
        assertTrue(j.path("created").asLong() > 1_600_000_000L, j.toString());
        assertEquals("qwen3moe-a-q8_0.gguf", j.path("model").asText());
        assertEquals(tokenizer.decode(expected.tokens()), text(j));
        assertEquals(expected.endedByEog() ? "stop" : "length", j.path("choices").path(0).path("finish_reason").asText());
        JsonNode usage = j.path("usage");
        assertEquals(prompt.length, usage.path("prompt_tokens").asInt());
        assertEquals(expected.tokens().length, usage.path("completion_tokens").asInt());
        assertEquals(prompt.length + expected.tokens().length, usage.path("total_tokens").asInt());
        assertFalse(expected.endedByEog(), "the test wants a reply that runs into max_tokens; pick another prompt");
    }

    @Test
    void streamedDeltasAddUpToTheWholeResponse() {
        Http.Response whole = http.post("/v1/completions", completion(PROMPT, 16));
        Http.Response stream = http.post("/v1/completions", completion(PROMPT, 16).put("stream", true));
        assertEquals(200, stream.status(), stream.body());
        assertTrue(stream.endsWithDone(), stream.body());
        List<JsonNode> events = stream.events();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            JsonNode choice = events.get(i).path("choices").path(0);
            text.append(choice.path("text").asText());
            boolean last = i == events.size() - 1;
            assertEquals(last, !choice.path("finish_reason").isNull(), events.get(i).toString());
        }
        assertEquals(text(whole.json()), text.toString());
        JsonNode last = events.getLast();
        assertEquals("length", last.path("choices").path(0).path("finish_reason").asText());
        assertEquals(whole.json().path("usage"), last.path("usage"));
    }

    @Test
    void chatUsesTheChatMlTemplateAndStreamsDeltas() {
        // ChatML, as its specification writes a user turn followed by the assistant's header.
        String rendered = "<|im_start|>user\nHello there<|im_end|>\n<|im_start|>assistant\n";
        ObjectNode chat = Http.JSON.createObjectNode().put("max_tokens", 12).put("temperature", 0);
        chat.putArray("messages").addObject().put("role", "user").put("content", "Hello there");
        Http.Response r = http.post("/v1/chat/completions", chat);
        assertEquals(200, r.status(), r.body());
        JsonNode j = r.json();
        assertEquals("chat.completion", j.path("object").asText());
        assertTrue(j.path("id").asText().startsWith("chatcmpl-"), j.toString());
        assertEquals("assistant", j.path("choices").path(0).path("message").path("role").asText());
        String content = j.path("choices").path(0).path("message").path("content").asText();

        int[] prompt = tokenizer.encode(rendered);
        assertEquals(prompt.length, j.path("usage").path("prompt_tokens").asInt());
        GreedyReference.Completion expected = GreedyReference.generate(TestServers.model(), CONTEXT, prompt, 12);
        assertEquals(tokenizer.decode(expected.tokens()), content);

        Http.Response s = http.post("/v1/chat/completions", chat.deepCopy().put("stream", true));
        List<JsonNode> events = s.events();
        assertTrue(s.endsWithDone(), s.body());
        assertEquals("assistant", events.getFirst().path("choices").path(0).path("delta").path("role").asText());
        StringBuilder deltas = new StringBuilder();
        for (JsonNode e : events) {
            assertEquals("chat.completion.chunk", e.path("object").asText());
            deltas.append(e.path("choices").path(0).path("delta").path("content").asText(""));
        }
        assertEquals(content, deltas.toString());
        assertEquals(j.path("choices").path(0).path("finish_reason").asText(),
                events.getLast().path("choices").path(0).path("finish_reason").asText());
    }

    @Test
    void stopStringsSpanningTokensEndTheTextAndAreNotEmitted() {
        int[] prompt = tokenizer.encode(PROMPT);
        int[] tokens = GreedyReference.generate(TestServers.model(), CONTEXT, prompt, 24).tokens();
        // A stop string made of the last character of one token and the first of the next.
        String stop = null;
        int cut = -1;
        for (int i = 2; i + 1 < tokens.length && stop == null; i++) {
            String before = tokenizer.decode(Arrays.copyOf(tokens, i));
            String upTo = tokenizer.decode(Arrays.copyOf(tokens, i + 1));
            String piece = upTo.substring(before.length());
            String after = tokenizer.decode(Arrays.copyOf(tokens, i + 2)).substring(upTo.length());
            if (!piece.isEmpty() && !after.isEmpty()) {
                stop = piece.substring(piece.length() - 1) + after.charAt(0);
                cut = upTo.length() - 1;
            }
        }
        assertTrue(stop != null, "no two adjacent text tokens in the reference reply");
        String full = tokenizer.decode(tokens);
        String expected = full.substring(0, Math.min(cut, full.indexOf(stop)));

        ObjectNode request = completion(PROMPT, 24);
        request.putArray("stop").add("never appears \u2603").add(stop);
        JsonNode whole = http.post("/v1/completions", request).json();
        assertEquals(expected, text(whole));
        assertEquals("stop", whole.path("choices").path(0).path("finish_reason").asText());

        Http.Response s = http.post("/v1/completions", request.deepCopy().put("stream", true));
        StringBuilder text = new StringBuilder();
        for (JsonNode e : s.events()) {
            String piece = e.path("choices").path(0).path("text").asText();
            assertFalse(piece.contains(stop), "a chunk holds the stop string: " + e);
            text.append(piece);
        }
        assertEquals(expected, text.toString());
    }

    @Test
    void tokenizeAndDetokenizeMatchTheTokenizer() {
        String text = "Hello, world! Grüße, 世界 <|im_end|>";
        Http.Response r = http.post("/tokenize", Http.JSON.createObjectNode().put("content", text));
        assertEquals(200, r.status(), r.body());
        int[] ids = Http.JSON.convertValue(r.json().path("tokens"), int[].class);
        assertEquals(Arrays.toString(tokenizer.encode(text, false, true)), Arrays.toString(ids));
        ObjectNode detok = Http.JSON.createObjectNode();
        for (int id : ids) detok.withArray("tokens").add(id);
        Http.Response d = http.post("/detokenize", detok);
        assertEquals(200, d.status(), d.body());
        assertEquals(tokenizer.decode(ids), d.json().path("content").asText());
        assertEquals(text, d.json().path("content").asText()); // (the cut test vocabulary has no <|im_end|> token: it is text)
    }

    @Test
    void modelsPropsAndHealthDescribeTheModel() {
        JsonNode models = http.get("/v1/models").json();
        assertEquals("list", models.path("object").asText());
        assertEquals("qwen3moe-a-q8_0.gguf", models.path("data").path(0).path("id").asText());
        JsonNode props = http.get("/props").json();
        assertEquals(CONTEXT, props.path("n_ctx").asInt());
        assertEquals(2, props.path("total_slots").asInt());
        assertEquals("none", props.path("pin_mode").asText());
        assertTrue(props.path("placement").asText().startsWith("placement: cpu"), props.toString());
        assertEquals("CPU", props.path("backend").asText());
        assertTrue(props.path("gpu_failure").isMissingNode(), "no GPU, nothing dropped");
        assertEquals(200, http.get("/health").status());
    }

    @Test
    void metricsAreValidPrometheusTextAndCountRequestsAndTokens() {
        Http.Response before = http.get("/metrics");
        assertEquals(200, before.status());
        assertTrue(before.body().length() > 0);
        var m0 = PrometheusParser.parse(before.body());
        JsonNode r = http.post("/v1/completions", completion("Counting tokens", 5)).json();
        var m1 = PrometheusParser.parse(http.get("/metrics").body());
        assertEquals(m0.get("jmoe_requests_total") + 1, m1.get("jmoe_requests_total"));
        assertEquals(m0.get("jmoe_tokens_generated_total") + r.path("usage").path("completion_tokens").asInt(),
                m1.get("jmoe_tokens_generated_total"));
        assertTrue(m1.get("jmoe_prompt_tokens_total") > m0.get("jmoe_prompt_tokens_total"));
        assertTrue(m1.get("jmoe_generation_tokens_per_second") > 0);
        assertEquals(2.0, m1.get("jmoe_slots_total"));
        assertTrue(m1.containsKey("jmoe_queue_depth") && m1.containsKey("jmoe_slots_busy"), m1.toString());
    }

    @Test
    void aSeededSampledCompletionRepeatsAndStreamsTheSameText() {
        ObjectNode request = Http.JSON.createObjectNode().put("prompt", "Seeded sampling").put("max_tokens", 16)
                .put("temperature", 1.0).put("top_k", 0).put("top_p", 1.0).put("min_p", 0).put("seed", 1234);
        String first = text(http.post("/v1/completions", request).json());
        assertEquals(first, text(http.post("/v1/completions", request).json()));
        StringBuilder streamed = new StringBuilder();
        for (JsonNode e : http.post("/v1/completions", request.deepCopy().put("stream", true)).events()) {
            streamed.append(e.path("choices").path(0).path("text").asText());
        }
        assertEquals(first, streamed.toString());
        String otherSeed = text(http.post("/v1/completions", request.deepCopy().put("seed", 99)).json());
        assertFalse(otherSeed.equals(first), "a different seed should sample differently from the 4096-token vocabulary");
    }

    @Test
    void aRepeatedPromptReusesTheSlotsCacheAndGivesTheSameText() {
        ObjectNode request = completion("A prompt that is evaluated once and then reused from the cache", 6);
        String first = text(http.post("/v1/completions", request).json());
        double before = PrometheusParser.parse(http.get("/metrics").body()).get("jmoe_prompt_tokens_total");
        String second = text(http.post("/v1/completions", request).json());
        double after = PrometheusParser.parse(http.get("/metrics").body()).get("jmoe_prompt_tokens_total");
        assertEquals(first, second);
        assertEquals(1.0, after - before, "only the last prompt token is evaluated again (its logits start the reply)");
    }

    @Test
    void includeUsageAddsAUsageChunkWithoutChoices() {
        ObjectNode request = completion(PROMPT, 3).put("stream", true);
        request.putObject("stream_options").put("include_usage", true);
        List<JsonNode> events = http.post("/v1/completions", request).events();
        JsonNode last = events.getLast();
        assertEquals(0, last.path("choices").size(), last.toString());
        assertEquals(3, last.path("usage").path("completion_tokens").asInt());
    }
}
