package dev.jmoe.host.synth;

import dev.jmoe.host.gguf.GgufValue;
import dev.jmoe.host.gguf.GgufWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * A small real byte-level BPE vocabulary ({@code tokenizer.ggml.model = gpt2}): the 256 byte tokens in
 * GPT-2's byte-to-character spelling, {@code <|endoftext|>} as end of generation, then two-byte tokens
 * each with its merge rule, and past 256 * 256 of those unused fillers, up to the size asked.
 */
final class SynthVocabulary {
    static final int MIN_SIZE = 257;
    static final int END_OF_TEXT = 256;
    private static final int NORMAL = 1, CONTROL = 3, UNUSED = 5;

    private SynthVocabulary() {}

    static void write(GgufWriter w, int size, String pre) {
        char[] byteChar = gpt2ByteChars();
        List<String> tokens = new ArrayList<>(size);
        int[] types = new int[size];
        List<String> merges = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(byteChar[b]));
            types[b] = NORMAL;
        }
        tokens.add("<|endoftext|>");
        types[END_OF_TEXT] = CONTROL;
        for (int id = MIN_SIZE; id < size; id++) {
            int pair = id - MIN_SIZE;
            if (pair < 256 * 256) {
                String left = String.valueOf(byteChar[pair / 256]), right = String.valueOf(byteChar[pair % 256]);
                tokens.add(left + right);
                merges.add(left + " " + right);
                types[id] = NORMAL;
            } else {
                tokens.add("<|filler_" + id + "|>");
                types[id] = UNUSED;
            }
        }
        w.put("tokenizer.ggml.model", new GgufValue.Str("gpt2"));
        w.put("tokenizer.ggml.pre", new GgufValue.Str(pre));
        w.put("tokenizer.ggml.tokens", GgufValue.Array.ofStrings(tokens));
        w.put("tokenizer.ggml.token_type", GgufValue.Array.ofInt32(types));
        w.put("tokenizer.ggml.merges", GgufValue.Array.ofStrings(merges));
        w.put("tokenizer.ggml.eos_token_id", new GgufValue.UInt32(END_OF_TEXT));
        w.put("tokenizer.ggml.bos_token_id", new GgufValue.UInt32(END_OF_TEXT));
        w.put("tokenizer.ggml.add_bos_token", new GgufValue.Bool(false));
    }

    /** GPT-2's table: printable Latin-1 bytes stand for themselves, the others map to U+0100 upwards in byte order. */
    static char[] gpt2ByteChars() {
        char[] out = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            out[b] = printable ? (char) b : (char) next++;
        }
        return out;
    }
}
