package dev.jmoe.host.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Typed reads of optional request fields: absent or null gives the default, a value of the wrong type is a
 * 400 naming the field and what it should be. Unknown fields are never looked at (OpenAI clients send many).
 */
final class Fields {
    private final ObjectNode body;

    Fields(ObjectNode body) {
        this.body = body;
    }

    JsonNode node(String name) {
        JsonNode n = body.get(name);
        return n == null || n.isNull() ? null : n;
    }

    boolean has(String name) {
        return node(name) != null;
    }

    boolean bool(String name, boolean fallback) {
        JsonNode n = node(name);
        if (n == null) return fallback;
        if (!n.isBoolean()) throw wrongType(name, "a boolean", n);
        return n.booleanValue();
    }

    int integer(String name, int fallback) {
        JsonNode n = node(name);
        if (n == null) return fallback;
        if (!n.isIntegralNumber()) throw wrongType(name, "an integer", n);
        if (!n.canConvertToInt()) throw ApiError.invalid("'" + name + "' is out of range: " + n.asText());
        return n.intValue();
    }

    long integer64(String name, long fallback) {
        JsonNode n = node(name);
        if (n == null) return fallback;
        if (!n.isIntegralNumber()) throw wrongType(name, "an integer", n);
        if (!n.canConvertToLong()) throw ApiError.invalid("'" + name + "' is out of range: " + n.asText());
        return n.longValue();
    }

    float number(String name, float fallback) {
        JsonNode n = node(name);
        if (n == null) return fallback;
        if (!n.isNumber()) throw wrongType(name, "a number", n);
        double v = n.doubleValue();
        if (!Double.isFinite(v) || Math.abs(v) > Float.MAX_VALUE) throw ApiError.invalid("'" + name + "' is out of range: " + n.asText());
        return (float) v;
    }

    String text(String name, String fallback) {
        JsonNode n = node(name);
        if (n == null) return fallback;
        if (!n.isTextual()) throw wrongType(name, "a string", n);
        return n.textValue();
    }

    static ApiError wrongType(String name, String expected, JsonNode got) {
        return ApiError.invalid("'" + name + "' must be " + expected + ", got " + got.getNodeType().name().toLowerCase() + " " + abbreviated(got));
    }

    private static String abbreviated(JsonNode n) {
        String s = n.toString();
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
