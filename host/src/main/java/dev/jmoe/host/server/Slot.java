package dev.jmoe.host.server;

import dev.jmoe.host.engine.Session;

import java.util.Arrays;

/**
 * One sequence the server can generate on: a session and the tokens its KV cache holds. A new request on
 * the slot keeps the longest common prefix of those tokens and evaluates only the rest (prompt cache).
 * Used by one request at a time ({@link SlotPool} hands it out).
 */
final class Slot {
    final int id;
    private final Session session;
    private int[] cached = new int[16];
    private int length;

    Slot(int id, Session session) {
        this.id = id;
        this.session = session;
    }

    Session session() {
        return session;
    }

    int contextSize() {
        return session.contextSize();
    }

    /** How many leading tokens of {@code prompt} the cache holds already. */
    int commonPrefix(int[] prompt) {
        int n = Math.min(length, prompt.length);
        int i = 0;
        while (i < n && cached[i] == prompt[i]) i++;
        return i;
    }

    /**
     * Rewinds the session to the part of {@code prompt} it already holds, leaving at least one prompt token
     * to evaluate (its logits start the generation); returns how many tokens are reused.
     */
    int rewindFor(int[] prompt) {
        int keep = Math.min(commonPrefix(prompt), prompt.length - 1);
        session.truncate(keep);
        length = keep;
        return keep;
    }

    /** Records tokens the session has just evaluated. */
    void appended(int[] tokens, int from, int n) {
        if (length + n > cached.length) cached = Arrays.copyOf(cached, Math.max(cached.length * 2, length + n));
        System.arraycopy(tokens, from, cached, length, n);
        length += n;
    }

    /** Forgets everything: after a failure the cache may not match the recorded tokens. */
    void clear() {
        session.reset();
        length = 0;
    }

    int position() {
        return session.position();
    }
}
