package dev.jmoe.host.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Reading bounded request bodies and writing whole responses on the JDK's HTTP server. */
final class Exchanges {
    private Exchanges() {}

    /** The body, refused with 413 when it is (or announces being) larger than {@code limit} bytes. */
    static byte[] body(HttpExchange ex, long limit) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > limit) throw tooLarge(limit);
            } catch (NumberFormatException e) {
                throw ApiError.invalid("Content-Length is not a number: " + declared);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (InputStream in = ex.getRequestBody()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (out.size() + n > limit) throw tooLarge(limit);
                out.write(buffer, 0, n);
            }
        }
        return out.toByteArray();
    }

    private static ApiError tooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", "the request body is larger than the limit of " + limit + " bytes");
    }

    static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
        send(ex, status, "application/json; charset=utf-8", Json.bytes(body));
    }

    static void text(HttpExchange ex, int status, String contentType, String body) throws IOException {
        send(ex, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    static void error(HttpExchange ex, ApiError e) throws IOException {
        json(ex, e.status(), Json.error(e));
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
