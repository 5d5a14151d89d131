package dev.jmoe.host.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.Set;
import java.util.function.Supplier;

/** Maps method and path to the endpoint; the small endpoints live here, completions in {@link CompletionHandler}. */
final class Endpoints {
    private static final Set<String> PIN_MODES = Set.of("off", "copy", "register");

    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final Supplier<Serving> serving;
    private final long started = System.currentTimeMillis() / 1000;

    Endpoints(ServerConfig config, ServerMetrics metrics, Supplier<Serving> serving) {
        this.config = config;
        this.metrics = metrics;
        this.serving = serving;
    }

    void route(HttpExchange ex) throws IOException, InterruptedException {
        String path = ex.getRequestURI().getPath();
        switch (path) {
            case "/health", "/v1/health" -> {
                expect(ex, "GET");
                health(ex);
            }
            case "/metrics" -> {
                expect(ex, "GET");
                metrics(ex);
            }
            case "/v1/models", "/models" -> {
                expect(ex, "GET");
                models(ex);
            }
            case "/props" -> {
                expect(ex, "GET");
                props(ex);
            }
            case "/v1/completions", "/completions" -> completion(ex, CompletionRequest.Endpoint.TEXT);
            case "/v1/chat/completions", "/chat/completions" -> completion(ex, CompletionRequest.Endpoint.CHAT);
            case "/tokenize" -> tokenize(ex, post(ex));
            case "/detokenize" -> detokenize(ex, post(ex));
            case "/admin/expert-pin" -> {
                if (!config.admin()) throw notFound(path);
                expertPin(ex, post(ex));
            }
            default -> throw notFound(path);
        }
    }

    private static ApiError notFound(String path) {
        return new ApiError(404, "not_found_error", "no endpoint " + path);
    }

    private static void expect(HttpExchange ex, String method) {
        if (!ex.getRequestMethod().equals(method)) {
            ex.getResponseHeaders().set("Allow", method);
            throw new ApiError(405, "invalid_request_error", ex.getRequestURI().getPath() + " takes " + method + ", not " + ex.getRequestMethod());
        }
    }

    private ObjectNode post(HttpExchange ex) throws IOException {
        expect(ex, "POST");
        return Json.parseObject(Exchanges.body(ex, config.bodyLimit()));
    }

    private Serving ready() {
        Serving s = serving.get();
        if (s == null) throw new ApiError(503, "unavailable_error", "Loading model");
        return s;
    }

    private void health(HttpExchange ex) throws IOException {
        boolean ok = serving.get() != null;
        Exchanges.json(ex, ok ? 200 : 503, Json.object().put("status", ok ? "ok" : "loading"));
    }

    private void completion(HttpExchange ex, CompletionRequest.Endpoint endpoint) throws IOException, InterruptedException {
        Serving s = ready();
        s.completions().handle(ex, post(ex), endpoint);
    }

    private void metrics(HttpExchange ex) throws IOException {
        PrometheusText out = new PrometheusText();
        Serving s = serving.get();
        if (s == null) metrics.write(out, 0, 0, config.parallel());
        else {
            metrics.write(out, s.slots().busy(), s.slots().waiting(), s.slots().total());
            out.counter("jmoe_forward_passes_total", "Forward passes run (a batched decode step of several slots counts once).", s.scheduler().passes())
                    .counter("jmoe_decode_tokens_total", "Decode tokens run; over the passes that ran them, the mean batch.", s.scheduler().decodeTokens());
            s.model().accelerator().writeMetrics(out);
        }
        Exchanges.text(ex, 200, PrometheusText.CONTENT_TYPE, out.toString());
    }

    private void models(HttpExchange ex) throws IOException {
        Serving s = ready();
        ObjectNode body = Json.object().put("object", "list");
        body.putArray("data").addObject().put("id", s.model().name()).put("object", "model").put("created", started).put("owned_by", "jmoe");
        Exchanges.json(ex, 200, body);
    }

    private void props(HttpExchange ex) throws IOException {
        Serving s = ready();
        ObjectNode body = Json.object().put("model", s.model().name()).put("n_ctx", s.context())
                .put("total_slots", s.slots().total()).put("placement", s.model().accelerator().placement())
                .put("pin_mode", s.model().accelerator().pinMode()).put("admin", config.admin())
                .put("backend", s.model().engine().backendName());
        s.model().engine().gpuFailure().ifPresent(why -> body.put("gpu_failure", why));
        body.putObject("default_generation_settings").put("n_ctx", s.context());
        Exchanges.json(ex, 200, body);
    }

    private void tokenize(HttpExchange ex, ObjectNode request) throws IOException {
        Serving s = ready();
        Fields f = new Fields(request);
        String content = f.text("content", null);
        if (content == null) throw ApiError.invalid("'content' is required");
        int[] ids = s.model().tokenizer().encode(content, f.bool("add_special", false), f.bool("parse_special", true));
        ObjectNode body = Json.object();
        ArrayNode tokens = body.putArray("tokens");
        for (int id : ids) tokens.add(id);
        Exchanges.json(ex, 200, body);
    }

    private void detokenize(HttpExchange ex, ObjectNode request) throws IOException {
        Serving s = ready();
        JsonNode tokens = request.get("tokens");
        if (tokens == null || tokens.isNull()) throw ApiError.invalid("'tokens' is required");
        if (!tokens.isArray()) throw Fields.wrongType("tokens", "an array of token ids", tokens);
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = tokens.get(i);
            if (!t.isIntegralNumber() || !t.canConvertToInt()) throw Fields.wrongType("tokens[" + i + "]", "a token id", t);
            ids[i] = t.intValue();
        }
        String content = s.model().tokenizer().decode(s.model().checked(ids));
        Exchanges.json(ex, 200, Json.object().put("content", content));
    }

    private void expertPin(HttpExchange ex, ObjectNode request) throws IOException {
        Serving s = ready();
        String mode = new Fields(request).text("mode", null);
        if (mode == null || !PIN_MODES.contains(mode)) throw ApiError.invalid("'mode' must be one of off, copy, register; got " + mode);
        try {
            s.model().accelerator().setPinMode(mode);
        } catch (UnsupportedOperationException e) {
            throw new ApiError(501, "not_supported_error", e.getMessage());
        }
        Exchanges.json(ex, 200, Json.object().put("pin_mode", s.model().accelerator().pinMode()));
    }
}
