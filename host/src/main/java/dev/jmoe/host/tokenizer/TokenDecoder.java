package dev.jmoe.host.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns tokens into text one at a time, as they are generated. A token may end in the middle of a UTF-8
 * character (byte-fallback tokens, byte-level BPE pieces); those trailing bytes are held back until the
 * tokens that complete them arrive, so each call returns only whole characters. Not thread-safe: one per stream.
 */
public final class TokenDecoder {
    private final Tokenizer tokenizer;
    private final boolean renderSpecial;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** A decoder that leaves control tokens out. */
    public TokenDecoder(Tokenizer tokenizer) {
        this(tokenizer, false);
    }

    public TokenDecoder(Tokenizer tokenizer, boolean renderSpecial) {
        this.tokenizer = tokenizer;
        this.renderSpecial = renderSpecial;
    }

    /** The text completed by this token: possibly empty, possibly including bytes held from earlier tokens. */
    public String next(int id) {
        pending.writeBytes(tokenizer.pieceBytes(id, renderSpecial));
        byte[] bytes = pending.toByteArray();
        int complete = completePrefix(bytes);
        pending.reset();
        pending.write(bytes, complete, bytes.length - complete);
        return new String(bytes, 0, complete, StandardCharsets.UTF_8);
    }

    /** Whatever is still held back, as text (an unfinished character becomes U+FFFD); the decoder is then empty. */
    public String finish() {
        String rest = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return rest;
    }

    /**
     * The length of the longest prefix that does not end inside a character that later bytes could still
     * complete. Invalid bytes are not held (they decode to U+FFFD at once).
     */
    static int completePrefix(byte[] b) {
        int n = b.length;
        for (int back = 1; back <= Math.min(3, n); back++) {
            int c = b[n - back] & 0xFF;
            if (c < 0x80) return n;               // ASCII: nothing open
            if (c < 0xC0) continue;               // continuation byte: look further back for the lead
            int needed = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            return back < needed && c >= 0xC2 && c <= 0xF4 ? n - back : n;
        }
        return n;
    }
}
