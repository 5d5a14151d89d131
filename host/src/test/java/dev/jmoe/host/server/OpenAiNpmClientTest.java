package dev.jmoe.host.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official {@code openai} npm package (pinned, see {@link OpenAiNpmPackage}) as a real client: a node
 * script ({@code src/test/resources/openai-client/client.cjs}) lists the models, runs a streaming chat and a
 * completion against the server with an API key, and prints what the library parsed. The texts must be the
 * engine's greedy decode of the ChatML-rendered chat and of the prompt.
 */
@Timeout(300)
class OpenAiNpmClientTest {
    private static final int CONTEXT = 512;
    private static final String KEY = "test-key";

    @Test
    void theOpenAiNodeLibraryStreamsAChatAndRunsACompletion(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path pkg = OpenAiNpmPackage.install();
        Path script = dir.resolve("client.cjs");
        try (InputStream in = getClass().getResourceAsStream("/openai-client/client.cjs")) {
            Files.copy(in, script);
        }
        ServerConfig config = new ServerConfig("127.0.0.1", 0, 2, 2, KEY, ServerConfig.DEFAULT_BODY_LIMIT, false, true);
        JsonNode got;
        try (OpenAiServer server = TestServers.start(config, CONTEXT)) {
            String model = server.serving().model().name();
            OpenAiNpmPackage.Run run = OpenAiNpmPackage.run(dir, List.of("node", script.toString(), pkg.toString(),
                    "http://127.0.0.1:" + server.port() + "/v1", model), 120);
            assertEquals(0, run.exit(), run.output());
            String[] lines = run.output().strip().split("\n");
            got = Http.JSON.readTree(lines[lines.length - 1]);
            assertEquals(List.of(model), Http.JSON.convertValue(got.path("models"), List.class));
        }

        Tokenizer tokenizer = Tokenizer.of(GgufModel.open(TestServers.model()));
        int[] chatPrompt = tokenizer.encode("<|im_start|>user\nHello there<|im_end|>\n<|im_start|>assistant\n");
        GreedyReference.Completion chat = GreedyReference.generate(TestServers.model(), CONTEXT, chatPrompt, 12);
        JsonNode c = got.path("chat");
        assertEquals("assistant", c.path("role").asText(), got.toString());
        assertEquals(tokenizer.decode(chat.tokens()), c.path("text").asText(), got.toString());
        assertEquals(chat.endedByEog() ? "stop" : "length", c.path("finish").asText(), got.toString());
        assertEquals(chatPrompt.length, c.path("usage").path("prompt_tokens").asInt(), got.toString());
        assertEquals(chat.tokens().length, c.path("usage").path("completion_tokens").asInt(), got.toString());
        assertTrue(c.path("chunks").asInt() > 2, "a stream of several chunks: " + got);

        int[] prompt = tokenizer.encode("The quick brown fox");
        GreedyReference.Completion text = GreedyReference.generate(TestServers.model(), CONTEXT, prompt, 10);
        JsonNode t = got.path("completion");
        assertEquals(tokenizer.decode(text.tokens()), t.path("text").asText(), got.toString());
        assertEquals(text.endedByEog() ? "stop" : "length", t.path("finish").asText(), got.toString());
        assertEquals(prompt.length, t.path("usage").path("prompt_tokens").asInt(), got.toString());
    }
}
