package dev.jmoe.host.tokenizer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;

import static dev.jmoe.host.tokenizer.VocabTestVectorsTest.open;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Defaults, special tokens, end-of-generation ids and round trips on the real vocabularies. */
class TokenizerBehaviourTest {
    private static final Tokenizer LLAMA = open("ggml-vocab-llama-spm.gguf");
    private static final Tokenizer PHI3 = open("ggml-vocab-phi-3.gguf");
    private static final Tokenizer GPT2 = open("ggml-vocab-gpt-2.gguf");
    private static final Tokenizer DEEPSEEK = open("ggml-vocab-deepseek-llm.gguf");

    @Test
    void kindAndPreTokenizerFollowTheMetadata() {
        assertInstanceOf(SpmTokenizer.class, LLAMA);
        assertEquals(PreTokenizer.GPT2, assertInstanceOf(BpeTokenizer.class, GPT2).preTokenizer());
        assertEquals(PreTokenizer.DEEPSEEK_LLM, assertInstanceOf(BpeTokenizer.class, DEEPSEEK).preTokenizer());
    }

    @Test
    void bosIsAddedWhereTheVocabularyAsks() {
        // "Hello" is 15043 in llama-spm and 15496 in gpt-2 (reference vectors); BOS 1 and 100000 from the metadata.
        assertArrayEquals(new int[] {1, 15043}, LLAMA.encode("Hello"));
        assertArrayEquals(new int[] {15043}, LLAMA.encode("Hello", false, true));
        assertArrayEquals(new int[] {15496}, GPT2.encode("Hello")); // gpt-2 metadata does not ask for BOS
        assertEquals(100000, DEEPSEEK.encode("Hello")[0]);
        assertEquals(List.of(), Arrays.stream(LLAMA.encode("", false, true)).boxed().toList());
    }

    @Test
    void controlTokensAreParsedOnlyWhenAsked() {
        assertArrayEquals(new int[] {1, 15043}, LLAMA.encode("<s>Hello", false, true));
        int[] plain = LLAMA.encode("<s>Hello", false, false);
        assertFalse(Arrays.stream(plain).anyMatch(id -> id == 1), Arrays.toString(plain));
        assertEquals("<s>Hello", LLAMA.decode(plain));
        assertArrayEquals(new int[] {50256}, GPT2.encode("<|endoftext|>", false, true));
    }

    @Test
    void textAfterASpecialTokenGetsTheSpacePrefix() {
        // Each plain piece of SentencePiece input starts a "sentence": "▁Hello" (15043) after "</s>" too.
        assertArrayEquals(new int[] {15043, 2, 15043}, LLAMA.encode("Hello</s>Hello", false, true));
    }

    @Test
    void endOfGenerationIds() {
        assertTrue(LLAMA.isEog(LLAMA.eos()));
        assertFalse(LLAMA.isEog(LLAMA.bos()));
        int end = PHI3.vocabulary().id("<|end|>");
        assertTrue(end >= 0 && PHI3.isEog(end), "phi-3 <|end|> ends a turn");
        assertFalse(PHI3.isEog(PHI3.vocabulary().id("<|user|>")));
    }

    @Test
    void controlTokensDecodeToNothingButShowAsPieces() {
        assertEquals("Hello", LLAMA.decode(new int[] {1, 15043, 2}));
        assertEquals("<s>", LLAMA.tokenPiece(1));
        assertEquals(" Hello", LLAMA.tokenPiece(15043));
    }

    @Test
    void licenceTextRoundTrips() throws IOException {
        String text = Files.readString(dev.jmoe.host.TestData.root().resolve("text/GPL-3.txt"), StandardCharsets.UTF_8);
        for (Tokenizer t : List.of(GPT2, DEEPSEEK, open("ggml-vocab-deepseek-coder.gguf"), LLAMA, PHI3)) {
            long start = System.nanoTime();
            int[] ids = t.encode(text, false, false);
            long micros = (System.nanoTime() - start) / 1000;
            System.out.printf("GPL-3 (%d chars): %d tokens in %d µs (%s)%n", text.length(), ids.length, micros, t.getClass().getSimpleName());
            assertEquals(text, t.decode(ids));
        }
    }

    @Test
    void mixedScriptsRoundTrip() {
        String s = "Grüße, мир! 你好 🦙🚀 tab\tnew\nline  x";
        for (Tokenizer t : List.of(GPT2, DEEPSEEK, LLAMA, PHI3)) assertEquals(s, t.decode(t.encode(s, false, false)), t.toString());
    }
}
