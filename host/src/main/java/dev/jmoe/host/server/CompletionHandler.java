package dev.jmoe.host.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * {@code POST /v1/completions} and {@code POST /v1/chat/completions}: validates the request, tokenizes the
 * prompt, waits for a slot, and answers whole or as a stream. The slot is released however the request ends.
 */
final class CompletionHandler {
    private static final Logger log = LoggerFactory.getLogger(CompletionHandler.class);

    private final ServedModel model;
    private final SlotPool slots;
    private final Generator generator;
    private final ServerMetrics metrics;
    private final int context;

    CompletionHandler(ServedModel model, SlotPool slots, Generator generator, ServerMetrics metrics, int context) {
        this.model = model;
        this.slots = slots;
        this.generator = generator;
        this.metrics = metrics;
        this.context = context;
    }

    void handle(HttpExchange ex, ObjectNode body, CompletionRequest.Endpoint endpoint) throws IOException, InterruptedException {
        CompletionRequest request = CompletionRequestParser.parse(body, endpoint);
        checkModelName(request.model());
        int[] prompt = model.tokens(request.prompt());
        if (prompt.length == 0) throw ApiError.invalid("the prompt is empty");
        if (prompt.length >= context) {
            throw ApiError.invalid("the prompt has " + prompt.length + " tokens; the context of a slot holds " + context
                    + " (the prompt and at least one generated token): shorten it or start the server with a larger -c");
        }
        Slot slot;
        try {
            slot = slots.acquire(prompt);
        } catch (ApiError e) {
            if (e.status() == 429) metrics.rejected();
            throw e;
        }
        metrics.accepted();
        try {
            CompletionFormat format = new CompletionFormat(endpoint, model.name());
            if (request.stream()) stream(ex, slot, prompt, request, format);
            else whole(ex, slot, prompt, request, format);
        } finally {
            slots.release(slot);
        }
    }

    private void checkModelName(String requested) {
        if (requested != null && !requested.isEmpty() && !requested.equals(model.name())) {
            throw ApiError.invalid("unknown model '" + requested + "'; this server serves '" + model.name() + "'");
        }
    }

    private void whole(HttpExchange ex, Slot slot, int[] prompt, CompletionRequest request, CompletionFormat format) throws IOException {
        StringBuilder text = new StringBuilder();
        Generator.Result r = generator.run(slot, prompt, request, text::append);
        Exchanges.json(ex, 200, format.whole(text.toString(), r));
    }

    private void stream(HttpExchange ex, Slot slot, int[] prompt, CompletionRequest request, CompletionFormat format) {
        try (EventStream events = new EventStream(ex)) {
            ObjectNode role = format.roleChunk();
            if (role != null) events.send(role);
            Generator.Result r;
            try {
                r = generator.run(slot, prompt, request, text -> events.send(format.chunk(text, null)));
            } catch (ApiError e) {
                events.send(Json.error(e));
                return;
            } catch (RuntimeException e) {
                log.error("completion on slot {} failed", slot.id, e);
                events.send(Json.error(new ApiError(500, "server_error", String.valueOf(e.getMessage()))));
                return;
            }
            events.send(format.chunk("", r));
            if (request.includeUsage()) events.send(format.usageChunk(r));
            events.done();
        } catch (IOException e) {
            log.debug("slot {}: client gone mid-stream ({}); slot released", slot.id, e.getMessage());
        }
    }
}
