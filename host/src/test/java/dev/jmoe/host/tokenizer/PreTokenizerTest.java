package dev.jmoe.host.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Word splits of the pre-tokenizers the vocabulary test vectors do not cover (Llama 3, Qwen 2), as their
 * published split rules define them: contractions, letter runs taking one leading non-letter, digit groups
 * (three for Llama 3, one for Qwen 2), punctuation taking trailing line breaks, whitespace before a word.
 */
class PreTokenizerTest {

    @Test
    void llama3GroupsDigitsInThreesAndIgnoresContractionCase() {
        assertEquals(List.of("123", "456", "7", " I", "'VE", " been", ",\n\n", "ok"),
                PreTokenizer.LLAMA3.split("1234567 I'VE been,\n\nok"));
    }

    @Test
    void qwen2SplitsEveryDigit() {
        assertEquals(List.of("1", "2", "3", " x", ".\n", "  ", " y"), PreTokenizer.QWEN2.split("123 x.\n   y"));
    }

    @Test
    void gpt2KeepsOneSpaceWithTheNextWord() {
        assertEquals(List.of("Hello", "   ", " world", "'s", "!!", " 42"), PreTokenizer.GPT2.split("Hello    world's!! 42"));
    }

    @Test
    void namesAreMatchedCaseInsensitively() {
        assertEquals(PreTokenizer.LLAMA3, PreTokenizer.named("llama-bpe"));
        assertEquals(PreTokenizer.QWEN2, PreTokenizer.named("Qwen2"));
        assertEquals(PreTokenizer.DEEPSEEK_V3, PreTokenizer.named("deepseek-v3"));
    }

    @Test
    void piecesAlwaysConcatenateBackToTheText() {
        String s = "  mixed ÄÖÜ 漢字かな 12345 \r\n\t…end ";
        for (PreTokenizer p : PreTokenizer.values()) assertEquals(s, String.join("", p.split(s)), p.name());
    }
}
