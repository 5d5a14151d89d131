package dev.jmoe.host.tokenizer;

import dev.jmoe.host.gguf.GgufFormatException;
import dev.jmoe.host.gguf.GgufMetadata;
import dev.jmoe.host.gguf.GgufValue;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rules shown on tiny hand-made vocabularies, where the expected ids follow from the rule by hand. */
class SyntheticVocabularyTest {

    private static GgufMetadata bpe(String pre, List<String> tokens, int[] types, List<String> merges) {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", new GgufValue.Str("gpt2"));
        if (pre != null) m.put("tokenizer.ggml.pre", new GgufValue.Str(pre));
        m.put("tokenizer.ggml.tokens", GgufValue.Array.ofStrings(tokens));
        m.put("tokenizer.ggml.token_type", GgufValue.Array.ofInt32(types));
        m.put("tokenizer.ggml.merges", GgufValue.Array.ofStrings(merges));
        return GgufMetadata.of(m);
    }

    // ids:                                0    1    2     3     4      5        6       7
    private static final List<String> TOKENS = List.of("a", "b", "c", "ab", "bc", "<x>", "<x>>", "abc");
    private static final int[] TYPES = {1, 1, 1, 1, 1, 3, 3, 1};

    @Test
    void theEarlierMergeWinsWhereTwoOverlap() {
        // "abc": merges "b c" (rank 0) before "a b" (rank 1), so a + bc; "ab c" never applies.
        Tokenizer t = Tokenizer.fromMetadata(bpe("gpt-2", TOKENS, TYPES, List.of("b c", "a b", "ab c")));
        assertArrayEquals(new int[] {0, 4}, t.encode("abc", false, false));
        Tokenizer other = Tokenizer.fromMetadata(bpe("gpt-2", TOKENS, TYPES, List.of("a b", "b c", "ab c")));
        assertArrayEquals(new int[] {7}, other.encode("abc", false, false));
    }

    @Test
    void theLongestSpecialTokenWins() {
        Tokenizer t = Tokenizer.fromMetadata(bpe("gpt-2", TOKENS, TYPES, List.of()));
        assertArrayEquals(new int[] {6, 0, 5}, t.encode("<x>>a<x>", false, true));
    }

    @Test
    void unknownPreTokenizerFallsBackToTheDefault() {
        Tokenizer t = Tokenizer.fromMetadata(bpe("no-such-pre", TOKENS, TYPES, List.of()));
        assertEquals(PreTokenizer.DEFAULT, ((BpeTokenizer) t).preTokenizer());
        assertEquals(PreTokenizer.DEFAULT, ((BpeTokenizer) Tokenizer.fromMetadata(bpe(null, TOKENS, TYPES, List.of()))).preTokenizer());
    }

    @Test
    void unknownTokenizerModelIsAnErrorNamingIt() {
        Map<String, GgufValue> m = new LinkedHashMap<>(bpe("gpt-2", TOKENS, TYPES, List.of()).asMap());
        m.put("tokenizer.ggml.model", new GgufValue.Str("t5"));
        var e = assertThrows(GgufFormatException.class, () -> Tokenizer.fromMetadata(GgufMetadata.of(m)));
        assertTrue(e.getMessage().contains("'t5'"), e.getMessage());
    }

    @Test
    void typesOfTheWrongLengthAreAnError() {
        var e = assertThrows(GgufFormatException.class, () -> Tokenizer.fromMetadata(bpe("gpt-2", TOKENS, new int[] {1, 1}, List.of())));
        assertTrue(e.getMessage().contains("tokenizer.ggml.token_type"), e.getMessage());
    }

    @Test
    void sentencePieceJoinsTheHighestScoringPairFirst() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", new GgufValue.Str("llama"));
        // ids: 0 <unk>, 1 ▁, 2 a, 3 b, 4 ▁a (score -5), 5 ab (score -1), 6 <0x63> (byte 'c')
        m.put("tokenizer.ggml.tokens", GgufValue.Array.ofStrings(List.of("<unk>", "▁", "a", "b", "▁a", "ab", "<0x63>")));
        m.put("tokenizer.ggml.scores", GgufValue.Array.ofFloat32(0, -10, -10, -10, -5, -1, 0));
        m.put("tokenizer.ggml.token_type", GgufValue.Array.ofInt32(2, 1, 1, 1, 1, 1, 6));
        m.put("tokenizer.ggml.unknown_token_id", new GgufValue.UInt32(0));
        Tokenizer t = Tokenizer.fromMetadata(GgufMetadata.of(m));
        // "▁ab": "ab" (-1) beats "▁a" (-5); "c" has no piece and is spelled as its byte token.
        assertArrayEquals(new int[] {1, 5, 6}, t.encode("abc", false, false));
        assertEquals("abc", t.decode(new int[] {1, 5, 6}));
        // no BOS id in this vocabulary, so nothing is added even though SentencePiece defaults to BOS
        assertArrayEquals(new int[] {1, 5, 6}, t.encode("abc"));
    }
}
