package dev.jmoe.host.tokenizer;

import dev.jmoe.host.gguf.GgufMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE ({@code tokenizer.ggml.model = gpt2}): the pre-tokenizer cuts text into words, each word's
 * UTF-8 bytes are written as GPT-2's byte characters ({@link ByteUnicode}), and {@link BpeMerges} joins
 * them into vocabulary entries. Lossless: every byte has a token.
 */
public final class BpeTokenizer extends Tokenizer {
    private static final Logger log = LoggerFactory.getLogger(BpeTokenizer.class);
    /** Words seen so far and their ids; natural text repeats words, so most words merge only once. */
    private static final int CACHE_LIMIT = 1 << 16;

    private final PreTokenizer pre;
    private final BpeMerges merges;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    BpeTokenizer(Vocabulary vocab, PreTokenizer pre, BpeMerges merges) {
        super(vocab);
        this.pre = pre;
        this.merges = merges;
    }

    static BpeTokenizer read(GgufMetadata md) {
        PreTokenizer pre = PreTokenizer.named(md.findString("tokenizer.ggml.pre").orElse("default"));
        return new BpeTokenizer(new Vocabulary(md, false), pre, BpeMerges.fromMetadata(md));
    }

    public PreTokenizer preTokenizer() {
        return pre;
    }

    @Override
    void encodePlain(String text, boolean afterSpecial, IntList out) {
        for (String word : pre.split(text)) {
            int[] ids = cache.get(word);
            if (ids == null) {
                ids = encodeWord(ByteUnicode.encode(word));
                if (cache.size() >= CACHE_LIMIT) cache.clear();
                cache.put(word, ids);
            }
            out.addAll(ids);
        }
    }

    private int[] encodeWord(String byteChars) {
        Vocabulary vocab = vocabulary();
        IntList ids = new IntList();
        int whole = pre.wholeWordsFirst() ? vocab.id(byteChars) : -1;
        if (whole >= 0) {
            ids.add(whole);
            return ids.toArray();
        }
        for (String symbol : merges.apply(byteChars)) {
            int id = vocab.id(symbol);
            if (id >= 0) {
                ids.add(id);
                continue;
            }
            for (int i = 0; i < symbol.length(); i++) addByte(symbol.substring(i, i + 1), ids); // a merge whose result is not in the vocabulary
        }
        return ids.toArray();
    }

    private void addByte(String byteChar, IntList ids) {
        int id = vocabulary().id(byteChar);
        if (id < 0) id = vocabulary().unknown();
        if (id >= 0) ids.add(id);
        else log.warn("byte character '{}' has no token and the vocabulary has no unknown token; dropped", byteChar);
    }

    @Override
    public byte[] pieceBytes(int id, boolean renderSpecial) {
        Vocabulary vocab = vocabulary();
        String text = vocab.text(id);
        return switch (vocab.type(id)) {
            case CONTROL -> renderSpecial ? utf8(text) : new byte[0];
            case USER_DEFINED, UNKNOWN, UNUSED -> utf8(text);
            default -> byteCharsToBytes(text);
        };
    }

    /** Each GPT-2 byte character back to its byte; characters outside that map are kept as their UTF-8. */
    private static byte[] byteCharsToBytes(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        text.codePoints().forEach(cp -> {
            int b = cp < Character.MIN_SUPPLEMENTARY_CODE_POINT ? ByteUnicode.byteOf((char) cp) : -1;
            if (b >= 0) out.write(b);
            else out.writeBytes(utf8(Character.toString(cp)));
        });
        return out.toByteArray();
    }
}
