package dev.jmoe.host.server;

import dev.jmoe.host.TestData;
import dev.jmoe.host.engine.EngineOptions;

import java.io.IOException;
import java.nio.file.Path;

/** Starts a server on an ephemeral loopback port with the tiny test model. */
final class TestServers {
    static final String MODEL = "qwen3moe-a-q8_0";

    private TestServers() {}

    static Path model() {
        return TestData.model(MODEL);
    }

    static ServerConfig config(int parallel, int queue) {
        return new ServerConfig("127.0.0.1", 0, parallel, queue, null, ServerConfig.DEFAULT_BODY_LIMIT, false, true);
    }

    static OpenAiServer start(ServerConfig config, int context) throws IOException {
        Path model = model();
        OpenAiServer server = OpenAiServer.start(config);
        try {
            server.serve(ServedModel.load(model, EngineOptions.defaults(1).withContext(context), null, null));
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }
}
