package dev.jmoe.host.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.UUID;

/** The OpenAI response shapes of one completion: whole responses and stream chunks, chat or text. */
final class CompletionFormat {
    private final CompletionRequest.Endpoint endpoint;
    private final String id;
    private final long created;
    private final String model;

    CompletionFormat(CompletionRequest.Endpoint endpoint, String model) {
        this.endpoint = endpoint;
        this.id = endpoint.idPrefix + UUID.randomUUID().toString().replace("-", "");
        this.created = System.currentTimeMillis() / 1000;
        this.model = model;
    }

    private boolean chat() {
        return endpoint == CompletionRequest.Endpoint.CHAT;
    }

    private ObjectNode envelope(String object) {
        ObjectNode o = Json.object().put("id", id).put("object", object).put("created", created).put("model", model);
        o.putArray("choices");
        return o;
    }

    /** The non-streaming response. */
    ObjectNode whole(String text, Generator.Result r) {
        ObjectNode o = envelope(endpoint.object);
        ObjectNode choice = o.withArray("choices").addObject().put("index", 0);
        if (chat()) choice.putObject("message").put("role", "assistant").put("content", text);
        else choice.put("text", text).putNull("logprobs");
        choice.put("finish_reason", r.finishReason());
        o.set("usage", usage(r));
        return o;
    }

    /** The first chunk of a chat stream, naming the role; null for text completions. */
    ObjectNode roleChunk() {
        if (!chat()) return null;
        ObjectNode o = envelope(endpoint.object + ".chunk");
        ObjectNode choice = o.withArray("choices").addObject().put("index", 0);
        choice.putObject("delta").put("role", "assistant").put("content", "");
        choice.putNull("finish_reason");
        return o;
    }

    /** A chunk carrying text (finishReason null) or the last one (empty text, the finish reason and usage). */
    ObjectNode chunk(String text, Generator.Result end) {
        ObjectNode o = envelope(chat() ? endpoint.object + ".chunk" : endpoint.object);
        ObjectNode choice = o.withArray("choices").addObject().put("index", 0);
        if (chat()) {
            ObjectNode delta = choice.putObject("delta");
            if (end == null) delta.put("content", text);
        } else {
            choice.put("text", text).putNull("logprobs");
        }
        if (end == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", end.finishReason());
            o.set("usage", usage(end));
        }
        return o;
    }

    /** The chunk {@code stream_options.include_usage} asks for: no choices, the usage. */
    ObjectNode usageChunk(Generator.Result r) {
        ObjectNode o = envelope(chat() ? endpoint.object + ".chunk" : endpoint.object);
        o.set("usage", usage(r));
        return o;
    }

    static ObjectNode usage(Generator.Result r) {
        return Json.object().put("prompt_tokens", r.promptTokens()).put("completion_tokens", r.completionTokens())
                .put("total_tokens", r.promptTokens() + r.completionTokens());
    }
}
