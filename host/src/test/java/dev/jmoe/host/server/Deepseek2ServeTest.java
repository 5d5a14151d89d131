package dev.jmoe.host.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmoe.host.TestData;
import dev.jmoe.host.engine.EngineOptions;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The server on a deepseek2 model (latent attention, shared experts): a completion equals the engine's greedy decode. */
@Timeout(120)
class Deepseek2ServeTest {
    @Test
    void greedyCompletionOnDeepseek2() throws Exception {
        Path model = TestData.model("ds2-a-q4_k_m");
        Tokenizer tokenizer = Tokenizer.of(GgufModel.open(model));
        String prompt = "The quick brown fox";
        GreedyReference.Completion expected = GreedyReference.generate(model, 256, tokenizer.encode(prompt), 12);
        try (OpenAiServer server = OpenAiServer.start(TestServers.config(1, 1))) {
            server.serve(ServedModel.load(model, EngineOptions.defaults(1).withContext(256), null, null));
            Http.Response r = new Http(server.port()).post("/v1/completions",
                    Http.JSON.createObjectNode().put("prompt", prompt).put("max_tokens", 12).put("temperature", 0));
            assertEquals(200, r.status(), r.body());
            JsonNode j = r.json();
            assertEquals(tokenizer.decode(expected.tokens()), j.path("choices").path(0).path("text").asText());
            assertEquals(expected.tokens().length, j.path("usage").path("completion_tokens").asInt());
        }
    }
}
