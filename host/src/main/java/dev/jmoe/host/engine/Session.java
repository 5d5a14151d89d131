package dev.jmoe.host.engine;

/**
 * One sequence being evaluated: its KV cache and the next position. Tokens go in through
 * {@link #evaluate} (prompt chunks or one token at a time for decoding), split into micro-batches;
 * {@link #truncate} drops the tail of the sequence (for regenerating or for perplexity chunks).
 * Several sessions can take one decode step together through {@link Engine#decode}.
 * Not thread-safe: one caller at a time, and one session of an engine running at a time.
 */
public final class Session {
    private final Forward forward;
    private final KvCache cache;
    private final int vocab;
    private final int ubatch;
    private int position;

    Session(Forward forward, KvCache cache, int vocab, int ubatch) {
        this.forward = forward;
        this.cache = cache;
        this.vocab = vocab;
        this.ubatch = ubatch;
    }

    /** Appends {@code tokens} and returns the logits [vocab] after the last of them. */
    public float[] evaluate(int[] tokens) {
        return run(tokens, 1);
    }

    /** Appends {@code tokens} and returns the logits [tokens.length][vocab] at every one of them. */
    public float[] evaluateAll(int[] tokens) {
        return run(tokens, tokens.length);
    }

    private float[] run(int[] tokens, int outputs) {
        check(tokens);
        float[] logits = new float[outputs * vocab];
        int firstOutput = tokens.length - outputs;
        for (int from = 0; from < tokens.length; from += ubatch) {
            int n = Math.min(ubatch, tokens.length - from);
            int wanted = Math.max(0, from + n - Math.max(from, firstOutput));
            float[] part = forward.forward(tokens, from, n, position, cache, wanted);
            position += n;
            if (wanted > 0) System.arraycopy(part, 0, logits, (from + n - wanted - firstOutput) * vocab, part.length);
        }
        return logits;
    }

    Forward forward() {
        return forward;
    }

    KvCache cache() {
        return cache;
    }

    /** Records one token evaluated outside {@link #evaluate} (a batched decode step). */
    void advance() {
        position++;
    }

    void check(int[] tokens) {
        if (tokens.length == 0) throw new IllegalArgumentException("no tokens to evaluate");
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[i] + " (at index " + i + ") is out of range: the vocabulary has "
                        + vocab + " tokens (0.." + (vocab - 1) + ")");
            }
        }
        if (tokens.length > cache.capacity() - position) throw new ContextFullException(tokens.length, position, cache.capacity());
    }

    /** The number of tokens evaluated so far (the position the next token gets). */
    public int position() {
        return position;
    }

    public int contextSize() {
        return cache.capacity();
    }

    public int vocabSize() {
        return vocab;
    }

    /** Forgets everything: the next token goes to position 0. */
    public void reset() {
        position = 0;
    }

    /** Keeps the first {@code length} tokens and forgets the rest. */
    public void truncate(int length) {
        if (length < 0 || length > position) throw new IllegalArgumentException("cannot truncate a sequence of " + position + " tokens to " + length);
        position = length;
    }
}
