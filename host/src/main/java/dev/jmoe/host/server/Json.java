package dev.jmoe.host.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/** The one Jackson mapper of the server, and the shapes every endpoint shares. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses a request body; anything but a JSON object is a 400 that says what was wrong. */
    static ObjectNode parseObject(byte[] body) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.invalid("unreadable body: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) throw ApiError.invalid("the request body is empty; a JSON object is expected");
        if (!(node instanceof ObjectNode o)) throw ApiError.invalid("the request body must be a JSON object, got " + node.getNodeType().name().toLowerCase());
        return o;
    }

    static ObjectNode error(ApiError e) {
        ObjectNode body = object();
        body.putObject("error").put("message", e.getMessage()).put("type", e.type()).put("code", e.status());
        return body;
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
