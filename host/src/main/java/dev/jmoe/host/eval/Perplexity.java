package dev.jmoe.host.eval;

import dev.jmoe.host.engine.Session;

import java.util.Arrays;
import java.util.function.ObjIntConsumer;

/**
 * Perplexity of a model on a token sequence, the way llama-perplexity measures it: the tokens are cut into
 * chunks of {@code context} tokens, each evaluated from an empty cache; a chunk's first token becomes BOS
 * where the vocabulary adds one, and only the second half of each chunk is scored (every scored token has
 * at least half a context before it): the logits at position j score token j + 1, for j from
 * context/2 to context − 2.
 *
 * @param bos the BOS id to start each chunk with, or -1 where the vocabulary adds none
 */
public record Perplexity(int context, int batch, int bos) {
    public Perplexity {
        if (context < 4) throw new IllegalArgumentException("context must be at least 4 tokens for perplexity, got " + context);
        if (batch < 1) throw new IllegalArgumentException("batch must be at least 1, got " + batch);
    }

    /** How many chunks {@code tokens} gives when at most {@code maxChunks} (negative: all) are wanted. */
    public int chunks(int tokens, int maxChunks) {
        int available = tokens / context;
        return maxChunks < 0 ? available : Math.min(maxChunks, available);
    }

    /** Fails unless the text has at least two contexts of tokens, as llama-perplexity requires. */
    public void requireEnough(int tokens) {
        if (tokens < 2 * context) {
            throw new IllegalArgumentException("the text has " + tokens + " tokens; perplexity with a context of "
                    + context + " needs at least " + 2 * context);
        }
    }

    /**
     * Scores the chunks; after each one {@code progress} gets the statistics so far and the chunk number (from 1).
     *
     * @throws IllegalArgumentException when the text is shorter than two contexts (as llama-perplexity requires)
     */
    public NllStatistics measure(Session session, int[] tokens, int maxChunks, ObjIntConsumer<NllStatistics> progress) {
        requireEnough(tokens.length);
        if (session.contextSize() < context) {
            throw new IllegalArgumentException("the session holds " + session.contextSize() + " tokens, less than the context " + context);
        }
        NllStatistics stats = new NllStatistics();
        int n = chunks(tokens.length, maxChunks);
        for (int c = 0; c < n; c++) {
            scoreChunk(session, Arrays.copyOfRange(tokens, c * context, (c + 1) * context), stats);
            progress.accept(stats, c + 1);
        }
        return stats;
    }

    private void scoreChunk(Session session, int[] chunk, NllStatistics stats) {
        int[] input = chunk.clone();
        if (bos >= 0) input[0] = bos;
        int first = context / 2;
        int vocab = session.vocabSize();
        session.reset();
        for (int from = 0; from < context; from += batch) {
            int n = Math.min(batch, context - from);
            float[] logits = session.evaluateAll(Arrays.copyOfRange(input, from, from + n));
            for (int j = Math.max(from, first); j < from + n && j < context - 1; j++) {
                stats.add(NllStatistics.nll(logits, j - from, vocab, chunk[j + 1]));
            }
        }
    }
}
