package dev.jmoe.host.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A test client of the server: real HTTP/1.1 on loopback through java.net.http, with timeouts. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    record Response(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        /** The JSON objects of an SSE body's {@code data:} events, and whether it ended with [DONE]. */
        List<JsonNode> events() {
            List<JsonNode> out = new ArrayList<>();
            for (String event : body.split("\n\n")) {
                if (event.isBlank()) continue;
                if (!event.startsWith("data: ")) throw new AssertionError("not an SSE data event: " + event);
                String data = event.substring(6);
                if (data.equals("[DONE]")) continue;
                try {
                    out.add(JSON.readTree(data));
                } catch (IOException e) {
                    throw new AssertionError("event is not JSON: " + data, e);
                }
            }
            return out;
        }

        boolean endsWithDone() {
            return body.endsWith("data: [DONE]\n\n");
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String apiKey;

    Http(int port, String apiKey) {
        this.base = "http://127.0.0.1:" + port;
        this.apiKey = apiKey;
    }

    Http(int port) {
        this(port, null);
    }

    Response get(String path) {
        return send(request(path).GET().build());
    }

    Response post(String path, String body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Response post(String path, JsonNode body) {
        return post(path, body.toString());
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT);
        if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
        return b;
    }

    Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
