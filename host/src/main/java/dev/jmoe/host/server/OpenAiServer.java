package dev.jmoe.host.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The OpenAI-compatible HTTP server ({@code jmoe serve}), on the JDK's built-in HTTP server: real HTTP/1.1,
 * no dependency, and enough for a handful of slots. It listens before the model is loaded ({@code /health}
 * says 503 loading) and serves once {@link #serve} hands it the model.
 *
 * <p>Threads: a fixed pool of {@code parallel + queue + 4}. At most {@code parallel + queue} of them hold
 * completion requests (one more is refused with 429), so the rest always answer health, metrics and refusals.
 */
public final class OpenAiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpenAiServer.class);
    private static final int SPARE_THREADS = 4;
    private static final int STOP_SECONDS = 10;

    private final ServerConfig config;
    private final HttpServer http;
    private final ThreadPoolExecutor executor;
    private final ServerMetrics metrics = new ServerMetrics();
    private final Endpoints endpoints;
    private volatile Serving serving;
    private volatile boolean stopping;

    private OpenAiServer(ServerConfig config, HttpServer http, ThreadPoolExecutor executor) {
        this.config = config;
        this.http = http;
        this.executor = executor;
        this.endpoints = new Endpoints(config, metrics, this::serving);
    }

    /** Binds {@code host:port} and starts answering; model requests get 503 until {@link #serve}. */
    public static OpenAiServer start(ServerConfig config) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 64);
        int threads = config.parallel() + config.queue() + SPARE_THREADS;
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> Thread.ofPlatform().daemon().name("jmoe-http-" + n.getAndIncrement()).unstarted(r));
        OpenAiServer server = new OpenAiServer(config, http, executor);
        http.createContext("/", server::handle);
        http.setExecutor(executor);
        http.start();
        return server;
    }

    /** Starts serving {@code model} (the server owns it from now on and closes it). */
    public void serve(ServedModel model) {
        serving = Serving.of(model, config, metrics, () -> stopping);
        log.info("serving {} on http://{}:{} ({} slots of {} tokens)", model.name(), config.host(), port(), config.parallel(), serving.context());
    }

    public int port() {
        return http.getAddress().getPort();
    }

    Serving serving() {
        return serving;
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            try {
                if (!ex.getRequestURI().getPath().equals("/health")) authorize(ex);
                endpoints.route(ex);
            } catch (ApiError e) {
                Exchanges.error(ex, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                Exchanges.error(ex, new ApiError(503, "unavailable_error", "the server is stopping"));
            } catch (RuntimeException e) {
                log.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
                Exchanges.error(ex, new ApiError(500, "server_error", String.valueOf(e.getMessage())));
            }
        } catch (IOException e) {
            log.debug("{} {}: client gone ({})", ex.getRequestMethod(), ex.getRequestURI(), e.getMessage());
        }
    }

    /** Every request but {@code /health} must carry {@code Authorization: Bearer KEY} (the scheme name in any case). */
    private void authorize(HttpExchange ex) {
        if (config.apiKey() == null) return;
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null) throw new ApiError(401, "authentication_error", "missing Authorization header: send 'Authorization: Bearer <key>'");
        header = header.trim();
        boolean bearer = header.regionMatches(true, 0, "Bearer ", 0, 7);
        byte[] given = (bearer ? header.substring(7).trim() : "").getBytes(StandardCharsets.UTF_8);
        if (!bearer || !MessageDigest.isEqual(config.apiKey().getBytes(StandardCharsets.UTF_8), given)) {
            throw new ApiError(401, "authentication_error", "invalid API key");
        }
    }

    /**
     * Stops listening, ends running generations within one decode step, and closes the model once no thread
     * uses it (if they do not finish in time the model is left open rather than freed under them).
     */
    @Override
    public void close() {
        stopping = true;
        Serving s = serving;
        if (s != null) s.slots().close();
        http.stop(STOP_SECONDS); // returns as soon as the running exchanges (ended above) are done
        executor.shutdown();
        boolean idle;
        try {
            idle = executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            idle = false;
        }
        if (s == null) return;
        if (idle) {
            s.scheduler().close();
            s.model().close();
        }
        else log.warn("requests still running after 30 s; the model stays open");
    }
}
