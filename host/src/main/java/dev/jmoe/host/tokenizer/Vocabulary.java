package dev.jmoe.host.tokenizer;

import dev.jmoe.host.gguf.GgufFormatException;
import dev.jmoe.host.gguf.GgufMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The token table and special ids of a GGUF vocabulary ({@code tokenizer.ggml.*}), shared by both tokenizer
 * kinds. Ids that a file names but the table does not hold (a cut-down vocabulary can keep a padding id of
 * the full one) count as absent.
 */
public final class Vocabulary {
    private static final Logger log = LoggerFactory.getLogger(Vocabulary.class);
    static final String TOKENS = "tokenizer.ggml.tokens";
    /** Texts that end a turn in the chat formats we know, when the vocabulary marks them special. */
    private static final Set<String> END_OF_GENERATION_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>",
            "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>", "<|end_of_text|>", "<｜end▁of▁sentence｜>");

    private final String[] texts;
    private final TokenType[] types;
    private final float[] scores;
    private final Map<String, Integer> ids;
    private final int bos;
    private final int eos;
    private final int unknown;
    private final boolean addBos;
    private final boolean addEos;
    private final boolean[] endOfGeneration;
    private final List<Integer> specialsLongestFirst;

    Vocabulary(GgufMetadata md, boolean addBosByDefault) {
        List<String> tokenList = md.getStringArray(TOKENS);
        if (tokenList.isEmpty()) throw new GgufFormatException(null, md.offsetOf(TOKENS), TOKENS + " is empty");
        texts = tokenList.toArray(String[]::new);
        types = readTypes(md, texts.length);
        scores = readScores(md, texts.length);
        ids = HashMap.newHashMap(texts.length);
        for (int i = 0; i < texts.length; i++) ids.put(texts[i], i); // a repeated text maps to its last id
        bos = optionalId(md, "tokenizer.ggml.bos_token_id");
        eos = optionalId(md, "tokenizer.ggml.eos_token_id");
        unknown = optionalId(md, "tokenizer.ggml.unknown_token_id");
        addBos = bos >= 0 && (md.contains("tokenizer.ggml.add_bos_token") ? md.getBool("tokenizer.ggml.add_bos_token") : addBosByDefault);
        addEos = eos >= 0 && md.contains("tokenizer.ggml.add_eos_token") && md.getBool("tokenizer.ggml.add_eos_token");
        endOfGeneration = endOfGeneration(md);
        specialsLongestFirst = findSpecials();
    }

    private static TokenType[] readTypes(GgufMetadata md, int n) {
        TokenType[] out = new TokenType[n];
        Arrays.fill(out, TokenType.NORMAL);
        String key = "tokenizer.ggml.token_type";
        if (!md.contains(key)) return out;
        long[] codes = md.getArray(key).longs();
        if (codes.length != n) throw lengthMismatch(md, key, codes.length, n);
        for (int i = 0; i < n; i++) out[i] = TokenType.ofCode(codes[i]);
        return out;
    }

    private static float[] readScores(GgufMetadata md, int n) {
        String key = "tokenizer.ggml.scores";
        if (!md.contains(key)) return new float[n];
        float[] s = md.getArray(key).floats();
        if (s.length != n) throw lengthMismatch(md, key, s.length, n);
        return s;
    }

    private static GgufFormatException lengthMismatch(GgufMetadata md, String key, int found, int n) {
        return new GgufFormatException(null, md.offsetOf(key), key + " has " + found + " entries but " + TOKENS + " has " + n);
    }

    private int optionalId(GgufMetadata md, String key) {
        if (!md.contains(key)) return -1;
        long id = md.getLong(key);
        if (id >= 0 && id < texts.length) return (int) id;
        log.debug("{} = {} is outside the vocabulary of {} tokens; ignored", key, id, texts.length);
        return -1;
    }

    private boolean[] endOfGeneration(GgufMetadata md) {
        boolean[] eog = new boolean[texts.length];
        if (eos >= 0) eog[eos] = true;
        for (String key : List.of("tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id")) {
            int id = optionalId(md, key);
            if (id >= 0) eog[id] = true;
        }
        for (int i = 0; i < texts.length; i++) {
            if ((types[i] == TokenType.CONTROL || types[i] == TokenType.USER_DEFINED) && END_OF_GENERATION_TEXTS.contains(texts[i])) eog[i] = true;
        }
        return eog;
    }

    private List<Integer> findSpecials() {
        List<Integer> specials = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) if (types[i].isSpecial() && !texts[i].isEmpty()) specials.add(i);
        specials.sort(Comparator.<Integer>comparingInt(i -> texts[i].length()).reversed().thenComparingInt(i -> i));
        return List.copyOf(specials);
    }

    public int size() {
        return texts.length;
    }

    public String text(int id) {
        return texts[checked(id)];
    }

    public TokenType type(int id) {
        return types[checked(id)];
    }

    float score(int id) {
        return scores[id];
    }

    /** The id of a token text, or -1. */
    public int id(String text) {
        Integer id = ids.get(text);
        return id == null ? -1 : id;
    }

    /** BOS id, or -1 if the vocabulary has none. */
    public int bos() {
        return bos;
    }

    /** EOS id, or -1 if the vocabulary has none. */
    public int eos() {
        return eos;
    }

    /** Unknown-token id, or -1. */
    public int unknown() {
        return unknown;
    }

    public boolean addBos() {
        return addBos;
    }

    public boolean addEos() {
        return addEos;
    }

    public boolean isEndOfGeneration(int id) {
        return id >= 0 && id < texts.length && endOfGeneration[id];
    }

    /** Control, user-defined and unknown tokens, longest text first (so a longer match wins). */
    List<Integer> specialsLongestFirst() {
        return specialsLongestFirst;
    }

    private int checked(int id) {
        if (id < 0 || id >= texts.length) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + texts.length + " tokens");
        return id;
    }
}
