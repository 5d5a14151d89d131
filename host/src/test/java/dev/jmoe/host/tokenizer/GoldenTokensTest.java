package dev.jmoe.host.tokenizer;

import dev.jmoe.host.TestData;
import dev.jmoe.host.gguf.GgufModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The prompt ids the reference produced for each test model (BOS as the vocabulary asks, special tokens parsed). */
class GoldenTokensTest {

    @ParameterizedTest
    @ValueSource(strings = {"qwen3moe-a-f32", "qwen3moe-a-q8_0", "qwen3moe-a-q4_0", "qwen3moe-a-q4_k_m", "qwen3moe-a-q6_k",
            "mixtral-a-f32", "mixtral-a-q4_k_m", "ds2-a-f32", "ds2-a-q4_k_m"})
    void promptEncodesToTheReferenceIds(String model) throws IOException {
        List<String> lines = Files.readAllLines(TestData.golden(model + ".tokens.txt"), StandardCharsets.UTF_8);
        int[] expected = Arrays.stream(lines.get(1).split(",")).mapToInt(s -> Integer.parseInt(s.strip())).toArray();
        Tokenizer t = Tokenizer.fromMetadata(GgufModel.open(TestData.model(model)).metadata());

        assertArrayEquals(expected, t.encode(lines.get(0)), "ids of '" + lines.get(0) + "'");
    }
}
