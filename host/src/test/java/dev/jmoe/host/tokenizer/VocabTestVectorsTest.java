package dev.jmoe.host.tokenizer;

import dev.jmoe.host.TestData;
import dev.jmoe.host.gguf.GgufModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference project's tokenizer test vectors: every string of {@code NAME.inp} must encode (no BOS/EOS,
 * special tokens not parsed) to the ids on the same line of {@code NAME.out}, and decode back.
 */
class VocabTestVectorsTest {
    /** Separates the test strings; the file ends with one too. */
    static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    record Case(String text, int[] ids) {}

    static List<Case> cases(String vocab) throws IOException {
        String inp = Files.readString(TestData.vocab(vocab + ".inp"), StandardCharsets.UTF_8);
        List<String> lines = Files.readAllLines(TestData.vocab(vocab + ".out"), StandardCharsets.UTF_8);
        List<String> texts = new ArrayList<>(Arrays.asList(inp.split(SEPARATOR, -1)));
        assertEquals("", texts.removeLast(), "the .inp file ends with a separator");
        assertEquals(texts.size(), lines.size(), "strings in .inp vs lines in .out");
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String line = lines.get(i).strip();
            int[] ids = line.isEmpty() ? new int[0] : Arrays.stream(line.split(" +")).mapToInt(Integer::parseInt).toArray();
            cases.add(new Case(texts.get(i), ids));
        }
        return cases;
    }

    static Tokenizer open(String vocab) {
        Path file = TestData.vocab(vocab);
        return Tokenizer.fromMetadata(GgufModel.open(file).metadata());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ggml-vocab-gpt-2.gguf", "ggml-vocab-deepseek-llm.gguf", "ggml-vocab-deepseek-coder.gguf",
            "ggml-vocab-llama-spm.gguf", "ggml-vocab-phi-3.gguf"})
    void everyTestStringEncodesToTheReferenceIds(String vocab) throws IOException {
        Tokenizer t = open(vocab);
        List<Case> cases = cases(vocab);
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            int[] got = t.encode(c.text(), false, false);
            if (!Arrays.equals(c.ids(), got)) {
                failures.add(String.format("%n  %s%n    expected %s%n    got      %s", quoted(c.text()), Arrays.toString(c.ids()), Arrays.toString(got)));
            }
        }
        System.out.printf("%s: %d of %d test strings match%n", vocab, cases.size() - failures.size(), cases.size());
        assertTrue(failures.isEmpty(), vocab + ": " + failures.size() + " of " + cases.size() + " differ:" + String.join("", failures));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ggml-vocab-gpt-2.gguf", "ggml-vocab-deepseek-llm.gguf", "ggml-vocab-deepseek-coder.gguf",
            "ggml-vocab-llama-spm.gguf", "ggml-vocab-phi-3.gguf"})
    void decodingTheReferenceIdsGivesTheTestStringBack(String vocab) throws IOException {
        Tokenizer t = open(vocab);
        for (Case c : cases(vocab)) {
            // SentencePiece's decode drops the space its encoder put in front, so both kinds give the text back.
            String expected = c.text();
            assertEquals(expected, t.decode(c.ids()), () -> "decode of the ids of " + quoted(c.text()));
        }
    }

    static String quoted(String s) {
        return "'" + s.replace("\n", "\\n").replace("\t", "\\t") + "'";
    }
}
