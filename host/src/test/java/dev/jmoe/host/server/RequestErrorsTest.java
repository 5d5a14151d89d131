package dev.jmoe.host.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmoe.host.engine.EngineOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client's mistakes get the right status and an OpenAI-style error object, never a 500; the server stays
 * usable afterwards. Also: loading state, the API key, the body limit, and the admin endpoint without a GPU.
 */
@Timeout(120)
class RequestErrorsTest {
    private static final String KEY = "s3cret-key";
    private static final int CONTEXT = 64;
    private static OpenAiServer server;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(new ServerConfig("127.0.0.1", 0, 1, 2, KEY, 4096, true, true), CONTEXT);
        http = new Http(server.port(), KEY);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static void assertError(int status, String type, String messagePart, Http.Response r) {
        assertEquals(status, r.status(), r.body());
        JsonNode error = r.json().path("error");
        assertEquals(type, error.path("type").asText(), r.body());
        assertTrue(error.path("message").asText().contains(messagePart), r.body());
    }

    private static void assertInvalid(String messagePart, String path, String body) {
        assertError(400, "invalid_request_error", messagePart, http.post(path, body));
    }

    @Test
    void badRequestsAre400WithAMessageNamingTheProblem() {
        assertInvalid("malformed JSON", "/v1/completions", "{\"prompt\": \"hi\",");
        assertInvalid("must be a JSON object", "/v1/completions", "[1, 2]");
        assertInvalid("'prompt' is required", "/v1/completions", "{}");
        assertInvalid("'messages' is required", "/v1/chat/completions", "{\"prompt\": \"hi\"}");
        assertInvalid("'max_tokens' must be an integer", "/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": \"ten\"}");
        assertInvalid("'max_tokens' must be at least 1", "/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": -5}");
        assertInvalid("'max_tokens' is out of range", "/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": 1e30}".replace("1e30", "100000000000000000000"));
        assertInvalid("'temperature' must be a number", "/v1/completions", "{\"prompt\": \"hi\", \"temperature\": \"hot\"}");
        assertInvalid("top_p must be in (0, 1]", "/v1/completions", "{\"prompt\": \"hi\", \"top_p\": 7}");
        assertInvalid("'stream' must be a boolean", "/v1/completions", "{\"prompt\": \"hi\", \"stream\": \"yes\"}");
        assertInvalid("'stop' must be a string or an array", "/v1/completions", "{\"prompt\": \"hi\", \"stop\": 3}");
        assertInvalid("'n' must be 1", "/v1/completions", "{\"prompt\": \"hi\", \"n\": 2}");
        assertInvalid("unknown model 'gpt-9'", "/v1/completions", "{\"prompt\": \"hi\", \"model\": \"gpt-9\"}");
        assertInvalid("token id 99999 (at index 1) is out of range", "/v1/completions", "{\"prompt\": [1, 99999]}");
        assertInvalid("messages[0].role' is required", "/v1/chat/completions", "{\"messages\": [{\"content\": \"hi\"}]}");
        assertInvalid("the context of a slot holds " + CONTEXT, "/v1/completions",
                "{\"prompt\": \"" + "word ".repeat(200) + "\"}");
        assertInvalid("'tokens' is required", "/detokenize", "{}");
        // Unknown fields are ignored, and the slot still works after all of the above.
        Http.Response ok = http.post("/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": 2, \"logit_bias\": {}, \"user\": \"x\"}");
        assertEquals(200, ok.status(), ok.body());
    }

    /** path, body, and a part of the message the 400 must carry. */
    private static final String[][] MORE_BAD_REQUESTS = {
            {"/v1/chat/completions", "{\"messages\": \"hi\"}", "'messages' must be a non-empty array"},
            {"/v1/chat/completions", "{\"messages\": []}", "'messages' must be a non-empty array"},
            {"/v1/chat/completions", "{\"messages\": [\"hi\"]}", "'messages[0]' must be an object"},
            {"/v1/chat/completions", "{\"messages\": [{\"role\": 5, \"content\": \"hi\"}]}", "'role' must be a string"},
            {"/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": 5}]}", "'messages[0].content' must be a string"},
            {"/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\"}]}]}", "parts must be"},
            {"/v1/completions", "{\"prompt\": \"\"}", "the prompt is empty"},
            {"/v1/completions", "{\"prompt\": []}", "'prompt' must be a string"},
            {"/v1/completions", "{\"prompt\": {}}", "'prompt' must be a string"},
            {"/v1/completions", "{\"prompt\": [\"a\", \"b\"]}", "'prompt' must be a string"},
            {"/v1/completions", "{\"prompt\": [[1, 2]]}", "element 0"},
            {"/v1/completions", "{\"prompt\": [-1]}", "token id -1 (at index 0) is out of range"},
            {"/v1/completions", "{\"prompt\": [" + "1, ".repeat(100) + "1]}", "the context of a slot holds " + CONTEXT},
            {"/v1/completions", "{\"prompt\": \"hi\", \"temperature\": -1}", "temperature must be >= 0"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"temperature\": 1e300}", "'temperature' is out of range"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"temperature\": \"0.5\"}", "'temperature' must be a number"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"top_k\": -3}", "top_k must be >= 0"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"top_k\": 4.5}", "'top_k' must be an integer"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"top_p\": 0}", "top_p must be in (0, 1]"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"min_p\": 2}", "min_p must be in [0, 1]"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"presence_penalty\": 5}", "presence_penalty must be in [-2, 2]"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"frequency_penalty\": -1e9}", "frequency_penalty must be in [-2, 2]"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"repeat_penalty\": 0}", "repeat_penalty must be > 0"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"seed\": \"lucky\"}", "'seed' must be an integer"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"seed\": 1e40}", "'seed' must be an integer"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"seed\": 100000000000000000000000}", "'seed' is out of range"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": 0}", "'max_tokens' must be at least 1"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": 2.5}", "'max_tokens' must be an integer"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"n_predict\": -2}", "'n_predict' must be at least 1"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"n\": \"1\"}", "'n' must be an integer"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"model\": 5}", "'model' must be a string"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"stop\": [\"a\", 1]}", "'stop[]' must be a string"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"stream\": true, \"stream_options\": 5}", "'stream_options' must be an object"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"stream_options\": {\"include_usage\": \"yes\"}}", "'include_usage' must be a boolean"},
            {"/v1/completions", "null", "must be a JSON object, got null"},
            {"/v1/completions", "", "the request body is empty"},
            {"/v1/completions", "{\"prompt\": " + "[".repeat(1200) + "]".repeat(1200) + "}", "malformed JSON"},
            {"/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": " + "9".repeat(1500) + "}", "malformed JSON"},
            {"/tokenize", "{\"content\": 5}", "'content' must be a string"},
            {"/tokenize", "{\"content\": \"hi\", \"add_special\": \"no\"}", "'add_special' must be a boolean"},
            {"/detokenize", "{\"tokens\": \"1 2\"}", "'tokens' must be an array"},
            {"/detokenize", "{\"tokens\": [1.5]}", "'tokens[0]' must be a token id"},
            {"/detokenize", "{\"tokens\": [99999]}", "token id 99999 (at index 0) is out of range"},
    };

    @Test
    void everyKindOfBadValueIsA400NamingIt() {
        for (String[] bad : MORE_BAD_REQUESTS) {
            Http.Response r = http.post(bad[0], bad[1]);
            String what = bad[0] + " " + (bad[1].length() > 80 ? bad[1].substring(0, 80) + "…" : bad[1]) + " → " + r.body();
            assertEquals(400, r.status(), what);
            assertEquals("invalid_request_error", r.json().path("error").path("type").asText(), what);
            assertTrue(r.json().path("error").path("message").asText().contains(bad[2]), what);
        }
        // Invalid UTF-8 in a string is malformed JSON too.
        byte[] latin1 = "{\"prompt\": \"caf\u00e9\"}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Http.Response r = http.send(http.request("/v1/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(latin1)).build());
        assertError(400, "invalid_request_error", "malformed JSON", r);
        // Nothing above wedged the slot.
        assertEquals(200, http.post("/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": 1}").status());
    }

    @Test
    void unknownPathsAre404AndWrongMethods405() {
        assertError(404, "not_found_error", "/v1/nothing", http.get("/v1/nothing"));
        assertError(405, "invalid_request_error", "takes POST", http.get("/v1/completions"));
    }

    @Test
    void requestsWithoutTheKeyAre401ButHealthIsOpen() {
        Http anonymous = new Http(server.port());
        assertError(401, "authentication_error", "missing Authorization", anonymous.post("/v1/completions", "{\"prompt\": \"hi\"}"));
        Http wrong = new Http(server.port(), "not-the-key");
        assertError(401, "authentication_error", "invalid API key", wrong.get("/v1/models"));
        assertEquals(200, anonymous.get("/health").status());
        assertEquals(200, http.get("/v1/models").status());
        assertEquals(200, anonymous.send(anonymous.request("/v1/models").header("Authorization", "bearer " + KEY).GET().build()).status());
        assertError(401, "authentication_error", "invalid API key",
                anonymous.send(anonymous.request("/v1/models").header("Authorization", "Basic " + KEY).GET().build()));
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String big = "{\"prompt\": \"" + "x".repeat(5000) + "\"}";
        assertError(413, "invalid_request_error", "limit of 4096 bytes", http.post("/v1/completions", big));
        // Without Content-Length (a streamed body) the limit holds too.
        HttpRequest chunked = http.request("/v1/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes()))).build();
        assertError(413, "invalid_request_error", "limit of 4096 bytes", http.send(chunked));
    }

    @Test
    void expertPinWithoutAGpuIs501() {
        assertError(501, "not_supported_error", "no GPU backend", http.post("/admin/expert-pin", "{\"mode\": \"copy\"}"));
        assertInvalid("'mode' must be one of off, copy, register", "/admin/expert-pin", "{\"mode\": \"fast\"}");
    }

    @Test
    void adminEndpointsAre404WithoutAdmin() throws Exception {
        try (OpenAiServer plain = OpenAiServer.start(TestServers.config(1, 0))) {
            Http h = new Http(plain.port());
            assertError(404, "not_found_error", "/admin/expert-pin", h.post("/admin/expert-pin", "{\"mode\": \"copy\"}"));
        }
    }

    @Test
    void healthSaysLoadingUntilTheModelIsServed() throws Exception {
        try (OpenAiServer loading = OpenAiServer.start(TestServers.config(1, 0))) {
            Http h = new Http(loading.port());
            Http.Response before = h.get("/health");
            assertEquals(503, before.status());
            assertEquals("loading", before.json().path("status").asText());
            assertError(503, "unavailable_error", "Loading model", h.post("/v1/completions", "{\"prompt\": \"hi\"}"));
            PrometheusParser.parse(h.get("/metrics").body());

            loading.serve(ServedModel.load(TestServers.model(), EngineOptions.defaults(1).withContext(64), null, null));
            Http.Response after = h.get("/health");
            assertEquals(200, after.status());
            assertEquals("ok", after.json().path("status").asText());
            assertEquals(200, h.post("/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": 1}").status());
        }
    }
}
