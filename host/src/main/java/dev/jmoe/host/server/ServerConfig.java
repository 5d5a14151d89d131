package dev.jmoe.host.server;

/**
 * How the server listens and admits requests.
 *
 * @param port      0 for an ephemeral port
 * @param parallel  slots: requests generating at once, each with its own context
 * @param queue     requests that may wait for a slot; one more is refused with 429
 * @param apiKey    the Bearer key every request but {@code /health} must carry, or null for none
 * @param bodyLimit the largest request body in bytes; larger ones get 413
 * @param admin     whether {@code /admin/*} endpoints exist (otherwise 404)
 * @param continuousBatching whether busy slots' decode steps share forward passes ({@code --no-cont-batching} turns it off)
 */
public record ServerConfig(String host, int port, int parallel, int queue, String apiKey, long bodyLimit, boolean admin,
                           boolean continuousBatching) {
    public static final long DEFAULT_BODY_LIMIT = 16L << 20;

    public ServerConfig {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("--host must name an address");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
        if (parallel < 1) throw new IllegalArgumentException("--parallel must be at least 1, got " + parallel);
        if (queue < 0) throw new IllegalArgumentException("--queue must not be negative, got " + queue);
        if (apiKey != null && apiKey.isEmpty()) throw new IllegalArgumentException("--api-key must not be empty");
        if (bodyLimit < 1) throw new IllegalArgumentException("the body limit must be at least 1 byte, got " + bodyLimit);
    }

    /** llama-server's defaults: 127.0.0.1:8080, one slot; a queue of 16, 16 MiB bodies, no key, no admin, continuous batching. */
    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 8080, 1, 16, null, DEFAULT_BODY_LIMIT, false, true);
    }

    public ServerConfig withContinuousBatching(boolean on) {
        return new ServerConfig(host, port, parallel, queue, apiKey, bodyLimit, admin, on);
    }
}
