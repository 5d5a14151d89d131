package dev.jmoe.host.tokenizer;

import dev.jmoe.host.gguf.GgufMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.PriorityQueue;

/**
 * SentencePiece with scores ({@code tokenizer.ggml.model = llama}): spaces become U+2581, a space is put in
 * front of the text (and after each special token) when {@code add_space_prefix} says so (default yes),
 * then adjacent pieces are joined, highest-scoring vocabulary entry first (leftmost on ties), until no
 * adjacent pair forms an entry. Characters left without a token are spelled as byte tokens {@code <0xNN>}.
 */
public final class SpmTokenizer extends Tokenizer {
    private static final Logger log = LoggerFactory.getLogger(SpmTokenizer.class);
    static final char SPACE = '\u2581';

    private final boolean addSpacePrefix;
    private final int[] byteTokens = new int[256];

    SpmTokenizer(Vocabulary vocab, boolean addSpacePrefix) {
        super(vocab);
        this.addSpacePrefix = addSpacePrefix;
        for (int b = 0; b < 256; b++) byteTokens[b] = byteToken(vocab, b);
    }

    static SpmTokenizer read(GgufMetadata md) {
        boolean prefix = !md.contains("tokenizer.ggml.add_space_prefix") || md.getBool("tokenizer.ggml.add_space_prefix");
        return new SpmTokenizer(new Vocabulary(md, true), prefix);
    }

    /** {@code <0xNN>}, else the byte as a one-character token, else the unknown token, else -1. */
    private static int byteToken(Vocabulary vocab, int b) {
        int id = vocab.id(String.format(Locale.ROOT, "<0x%02X>", b));
        if (id < 0 && b < 0x80) id = vocab.id(String.valueOf((char) b));
        return id >= 0 ? id : vocab.unknown();
    }

    public boolean addsSpacePrefix() {
        return addSpacePrefix;
    }

    private record Pair(int left, int right, float score, int length) {}

    @Override
    void encodePlain(String plain, boolean afterSpecial, IntList out) {
        String text = ((addSpacePrefix && afterSpecial) ? " " + plain : plain).replace(' ', SPACE);
        int n = text.length();
        int[] len = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        int last = -1;
        for (int i = 0; i < n; i += len[i]) { // one symbol per code point (a surrogate pair is one)
            len[i] = Character.charCount(text.codePointAt(i));
            prev[i] = last;
            if (last >= 0) next[last] = i;
            last = i;
        }
        if (last >= 0) next[last] = -1;
        PriorityQueue<Pair> queue = new PriorityQueue<>((a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 0; i >= 0 && n > 0 && next[i] >= 0; i = next[i]) offer(text, len, i, next[i], queue);
        while (!queue.isEmpty()) {
            Pair p = queue.poll();
            if (len[p.left] == 0 || len[p.right] == 0 || next[p.left] != p.right || len[p.left] + len[p.right] != p.length) continue;
            len[p.left] += len[p.right];
            len[p.right] = 0;
            next[p.left] = next[p.right];
            if (next[p.left] >= 0) prev[next[p.left]] = p.left;
            if (prev[p.left] >= 0) offer(text, len, prev[p.left], p.left, queue);
            if (next[p.left] >= 0) offer(text, len, p.left, next[p.left], queue);
        }
        for (int i = 0; i >= 0 && n > 0; i = next[i]) emit(text.substring(i, i + len[i]), out);
    }

    /** Symbols are contiguous, so a pair's text is the substring from the left symbol's start. */
    private void offer(String text, int[] len, int left, int right, PriorityQueue<Pair> queue) {
        int id = vocabulary().id(text.substring(left, left + len[left] + len[right]));
        if (id >= 0) queue.add(new Pair(left, right, vocabulary().score(id), len[left] + len[right]));
    }

    private void emit(String symbol, IntList out) {
        int id = vocabulary().id(symbol);
        if (id >= 0) {
            out.add(id);
            return;
        }
        for (byte b : utf8(symbol)) {
            int t = byteTokens[b & 0xFF];
            if (t >= 0) out.add(t);
            else log.warn("byte 0x{} has no token and the vocabulary has no unknown token; dropped", Integer.toHexString(b & 0xFF));
        }
    }

    @Override
    public byte[] pieceBytes(int id, boolean renderSpecial) {
        Vocabulary vocab = vocabulary();
        String text = vocab.text(id);
        return switch (vocab.type(id)) {
            case CONTROL -> renderSpecial ? utf8(text) : new byte[0];
            case BYTE -> byteOf(text);
            case USER_DEFINED, UNKNOWN, UNUSED -> utf8(text);
            default -> utf8(text.replace(SPACE, ' '));
        };
    }

    /** The byte a {@code <0xNN>} token stands for; a byte token spelled otherwise stands for its text. */
    private static byte[] byteOf(String text) {
        boolean spelled = text.length() == 6 && text.startsWith("<0x") && text.endsWith(">")
                && Character.digit(text.charAt(3), 16) >= 0 && Character.digit(text.charAt(4), 16) >= 0;
        return spelled ? new byte[] {(byte) Integer.parseInt(text.substring(3, 5), 16)} : utf8(text);
    }

    /** As the base decode, less the space the encoder put in front of the text. */
    @Override
    public String decode(int[] ids) {
        String text = super.decode(ids);
        return addSpacePrefix && text.startsWith(" ") ? text.substring(1) : text;
    }
}
