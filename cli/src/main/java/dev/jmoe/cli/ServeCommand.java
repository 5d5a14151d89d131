package dev.jmoe.cli;

import dev.jmoe.host.server.OpenAiServer;
import dev.jmoe.host.server.ServedModel;
import dev.jmoe.host.server.ServerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code jmoe serve}: the OpenAI-compatible server. It listens first ({@code /health} answers 503 loading),
 * loads the model, then serves until interrupted (Ctrl-C or SIGTERM stop it cleanly).
 */
@Command(name = "serve", description = "Serves a model over an OpenAI-compatible HTTP API (/v1/chat/completions, "
        + "/v1/completions, /v1/models, /health, /props, /metrics, /tokenize, /detokenize).")
public final class ServeCommand implements Callable<Integer> {
    /** llama-server's default context per slot; the model's trained length can be far larger than wanted. */
    static final int DEFAULT_CONTEXT = 4096;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL", description = "The GGUF model file.")
    Path model;

    @Option(names = "--host", paramLabel = "ADDR", description = "Address to listen on (default 127.0.0.1).")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default 8080; 0 picks a free one).")
    int port = 8080;

    @Option(names = {"-np", "--parallel"}, paramLabel = "N", description = "Slots: requests generating at once (default 1).")
    int parallel = 1;

    @Option(names = "--queue", paramLabel = "N", description = "Requests that may wait for a slot; more get 429 (default 16).")
    int queue = 16;

    @Option(names = "--api-key", paramLabel = "KEY", description = "Require 'Authorization: Bearer KEY' on every request but /health.")
    String apiKey;

    @Option(names = "--body-limit", paramLabel = "BYTES", description = "Largest request body; larger ones get 413 (default 16 MiB).")
    long bodyLimit = ServerConfig.DEFAULT_BODY_LIMIT;

    @Option(names = "--alias", paramLabel = "NAME", description = "The model name clients see (default: the file name).")
    String alias;

    @Option(names = "--chat-template", paramLabel = "NAME", description = "A built-in chat template instead of the model's own.")
    String chatTemplate;

    @Option(names = "--admin", description = "Enable /admin/* endpoints (expert pin mode; needs a GPU backend).")
    boolean admin;

    @Option(names = {"-nocb", "--no-cont-batching"}, description = "Run each slot's decode step as its own forward pass "
            + "instead of batching the busy slots' steps together (continuous batching, the default).")
    boolean noContBatching;

    @CommandLine.Mixin
    EngineFlags engineFlags = new EngineFlags();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ServerConfig config = new ServerConfig(host, port, parallel, queue, apiKey, bodyLimit, admin, !noContBatching);
        var options = engineFlags.toOptions(DEFAULT_CONTEXT);
        OpenAiServer server = OpenAiServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "jmoe-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        spec.commandLine().getErr().printf("jmoe serve: listening on http://%s:%d, loading %s%n", host, server.port(), model);
        try {
            ServedModel served = ServedModel.load(model, options, chatTemplate, alias);
            engineFlags.warmUp(served.engine());
            server.serve(served);
        } catch (RuntimeException e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            server.close();
            throw e;
        }
        spec.commandLine().getErr().printf("jmoe serve: ready (%d slots of %d tokens)%n", parallel, options.context());
        spec.commandLine().getErr().flush();
        stopped.await();
        return 0;
    }
}
