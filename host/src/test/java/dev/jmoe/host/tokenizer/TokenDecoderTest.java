package dev.jmoe.host.tokenizer;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.jmoe.host.tokenizer.VocabTestVectorsTest.open;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Token-by-token decoding must hold back a character's bytes until the token that completes it. */
class TokenDecoderTest {

    @Test
    void byteTokensOfOneEmojiYieldItOnlyWithTheLastByte() {
        Tokenizer llama = open("ggml-vocab-llama-spm.gguf");
        // The reference vectors spell 🦙 (F0 9F A6 99) as the byte tokens 243 162 169 156 in llama-spm.
        int[] ids = {243, 162, 169, 156};
        TokenDecoder d = new TokenDecoder(llama);
        List<String> parts = new ArrayList<>();
        for (int id : ids) parts.add(d.next(id));
        assertEquals(List.of("", "", "", "🦙"), parts);
        assertEquals("", d.finish());
    }

    @Test
    void streamedTextEqualsWholeDecodeForEveryTokenOfAMixedText() {
        String s = "ünïcödé 🚀 日本語 — ok";
        for (Tokenizer t : List.of(open("ggml-vocab-gpt-2.gguf"), open("ggml-vocab-llama-spm.gguf"))) {
            int[] ids = t.encode(s, false, false);
            TokenDecoder d = new TokenDecoder(t);
            StringBuilder streamed = new StringBuilder();
            for (int id : ids) {
                String part = d.next(id);
                assertEquals(-1, part.indexOf('\uFFFD'), "no replacement character mid-stream");
                streamed.append(part);
            }
            streamed.append(d.finish());
            // A stream keeps SentencePiece's prefix space (it continues a text); whole-text decode drops it.
            String prefix = t instanceof SpmTokenizer ? " " : "";
            assertEquals(prefix + t.decode(ids), streamed.toString());
        }
    }

    @Test
    void unfinishedCharacterAtTheEndBecomesAReplacementCharacter() {
        Tokenizer llama = open("ggml-vocab-llama-spm.gguf");
        TokenDecoder d = new TokenDecoder(llama);
        assertEquals("", d.next(243)); // <0xF0>: the lead byte of a four-byte character
        assertEquals("\uFFFD", d.finish());
    }

    @Test
    void completePrefixHoldsBackOnlyCharactersThatCanStillComplete() {
        assertEquals(1, TokenDecoder.completePrefix(bytes(0x41, 0xE2)));             // "A" + lead of 3
        assertEquals(1, TokenDecoder.completePrefix(bytes(0x41, 0xE2, 0x96)));       // still one short
        assertEquals(4, TokenDecoder.completePrefix(bytes(0x41, 0xE2, 0x96, 0x81))); // "A▁" complete
        assertEquals(2, TokenDecoder.completePrefix(bytes(0x41, 0xFF)));             // invalid byte: not held
        assertEquals(2, TokenDecoder.completePrefix(bytes(0x41, 0x80)));             // stray continuation: not held
        assertArrayEquals("▁".getBytes(StandardCharsets.UTF_8), bytes(0xE2, 0x96, 0x81));
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
        return b;
    }
}
