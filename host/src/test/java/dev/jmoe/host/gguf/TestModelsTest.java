package dev.jmoe.host.gguf;

import dev.jmoe.host.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every shared test file parses; model tensors match the reference's golden tensor tables. */
class TestModelsTest {

    static Stream<Path> models() throws IOException {
        return files("models");
    }

    static Stream<Path> vocabs() throws IOException {
        return files("vocab");
    }

    static Stream<Path> files(String dir) throws IOException {
        try (Stream<Path> s = Files.list(TestData.root().resolve(dir))) {
            return s.filter(p -> p.toString().endsWith(".gguf")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void modelTensorsMatchGoldenTable(Path model) throws IOException {
        String name = model.getFileName().toString().replace(".gguf", "");
        List<String> golden = Files.readAllLines(TestData.golden(name + ".tensors.tsv"));
        assertEquals("name\ttype\tshape\toffset\tbytes", golden.getFirst());
        GgufModel m = GgufModel.open(model);
        List<GgufTensorInfo> tensors = m.tensors();
        assertEquals(golden.size() - 1, tensors.size(), "tensor count");
        for (int i = 0; i < tensors.size(); i++) {
            GgufTensorInfo t = tensors.get(i);
            String row = t.name() + "\t" + t.type() + "\t" + t.shapeText() + "\t" + t.fileOffset() + "\t" + t.bytes();
            assertEquals(golden.get(i + 1), row, "tensor " + i);
        }
        assertEquals(3, m.version());
        assertEquals(1, m.parts().size());
        assertFalse(m.metadata().getString("general.architecture").isEmpty());
    }

    @ParameterizedTest
    @MethodSource("vocabs")
    void vocabularyParses(Path vocab) {
        GgufFile f = GgufFile.read(vocab);
        assertTrue(f.tensors().isEmpty());
        List<String> tokens = f.metadata().getStringArray("tokenizer.ggml.tokens");
        assertTrue(tokens.size() > 1000, "tokens: " + tokens.size());
        assertFalse(f.metadata().getString("tokenizer.ggml.model").isEmpty());
    }

    @Test
    void knownMetadataOfQwenModel() {
        GgufFile f = GgufFile.read(TestData.model("qwen3moe-a-f32"));
        GgufMetadata md = f.metadata();
        assertEquals("qwen3moe", md.getString("general.architecture"));
        assertEquals(2, md.getInt("qwen3moe.block_count"));
        assertEquals(256, md.getInt("qwen3moe.embedding_length"));
        assertEquals(8, md.getInt("qwen3moe.expert_count"));
        assertEquals(2, md.getInt("qwen3moe.expert_used_count"));
        assertEquals(4096, md.getStringArray("tokenizer.ggml.tokens").size());
        assertEquals(32, f.alignment());
        assertEquals(0, f.dataStart() % 32);
        assertTrue(f.dataStart() - f.headerBytes() < 32);
    }
}
