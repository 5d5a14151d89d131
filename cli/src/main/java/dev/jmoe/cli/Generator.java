package dev.jmoe.cli;

import dev.jmoe.host.engine.Session;
import dev.jmoe.host.sample.Sampler;
import dev.jmoe.host.tokenizer.TokenDecoder;
import dev.jmoe.host.tokenizer.Tokenizer;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;

/**
 * Prompt evaluation and token generation on one session, streaming text as it is produced, with
 * llama.cpp-style timings. Shared by {@code run} and {@code chat}.
 */
final class Generator {
    /** Why generation stopped. */
    enum Stop { END_OF_GENERATION, TOKEN_LIMIT, CONTEXT_FULL }

    /** What one {@link #generate} produced: the tokens (without the end-of-generation token) and why it stopped. */
    record Output(int[] tokens, String text, Stop stop) {}

    private final Session session;
    private final Tokenizer tokenizer;
    private final Sampler sampler;
    private final int batch;
    private long promptNanos;
    private long promptTokens;
    private long evalNanos;
    private long evalTokens;

    Generator(Session session, Tokenizer tokenizer, Sampler sampler, int batch) {
        this.session = session;
        this.tokenizer = tokenizer;
        this.sampler = sampler;
        this.batch = batch;
    }

    /** Evaluates {@code tokens} after what the session holds, in batches of {@code -b}; returns the logits after the last. */
    float[] prefill(int[] tokens) {
        if (tokens.length > session.contextSize() - session.position()) {
            throw new IllegalArgumentException("the prompt has " + tokens.length + " tokens, more than the "
                    + (session.contextSize() - session.position()) + " left in the context of " + session.contextSize() + " (see -c)");
        }
        long start = System.nanoTime();
        float[] logits = null;
        for (int from = 0; from < tokens.length; from += batch) {
            int[] part = Arrays.copyOfRange(tokens, from, Math.min(tokens.length, from + batch));
            logits = session.evaluate(part);
        }
        for (int t : tokens) sampler.accept(t);
        promptNanos += System.nanoTime() - start;
        promptTokens += tokens.length;
        return logits;
    }

    /**
     * Samples up to {@code limit} tokens (-1: no limit) starting from {@code logits}, writing each piece to
     * {@code out} as soon as it is whole, and stops at an end-of-generation token or when the context is full.
     */
    Output generate(float[] logits, int limit, PrintWriter out) {
        TokenDecoder decoder = new TokenDecoder(tokenizer);
        StringBuilder text = new StringBuilder();
        int[] produced = new int[16];
        int count = 0;
        Stop stop;
        while (true) {
            int token = sampler.sample(logits);
            if (tokenizer.isEog(token)) {
                stop = Stop.END_OF_GENERATION;
                break;
            }
            if (count == produced.length) produced = Arrays.copyOf(produced, count * 2);
            produced[count++] = token;
            emit(decoder.next(token), text, out);
            if (limit >= 0 && count >= limit) {
                stop = Stop.TOKEN_LIMIT;
                break;
            }
            if (session.position() >= session.contextSize()) {
                stop = Stop.CONTEXT_FULL;
                break;
            }
            long start = System.nanoTime();
            logits = session.evaluate(new int[] {token});
            evalNanos += System.nanoTime() - start;
            evalTokens++;
        }
        emit(decoder.finish(), text, out);
        return new Output(Arrays.copyOf(produced, count), text.toString(), stop);
    }

    private static void emit(String piece, StringBuilder text, PrintWriter out) {
        if (piece.isEmpty()) return;
        text.append(piece);
        out.print(piece);
        out.flush();
    }

    /** The two timing lines llama.cpp prints at the end: prompt evaluation and generation. */
    void printTimings(PrintWriter err) {
        err.println(timing("prompt eval time", promptNanos, promptTokens, "tokens"));
        err.println(timing("       eval time", evalNanos, evalTokens, "runs  "));
        err.flush();
    }

    private static String timing(String label, long nanos, long tokens, String unit) {
        double ms = nanos / 1e6;
        double perToken = tokens == 0 ? 0 : ms / tokens;
        double perSecond = nanos == 0 ? 0 : tokens * 1e9 / nanos;
        return String.format(Locale.ROOT, "%s = %10.2f ms / %5d %s (%8.2f ms per token, %8.2f tokens per second)",
                label, ms, tokens, unit, perToken, perSecond);
    }
}
