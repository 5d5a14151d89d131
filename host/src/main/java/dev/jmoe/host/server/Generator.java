package dev.jmoe.host.server;

import dev.jmoe.host.sample.Sampler;
import dev.jmoe.host.tokenizer.TokenDecoder;
import dev.jmoe.host.tokenizer.Tokenizer;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Runs one completion on a slot: evaluates the prompt past the cached prefix, then samples, decodes and
 * checks stop strings token by token, handing text to the sink as soon as it is certain. Every forward pass
 * goes through the {@link DecodeScheduler}. Ends at an end-of-generation token ({@code stop}), a stop string
 * ({@code stop}), {@code max_tokens} or a full context ({@code length}); a sink that fails (a client gone)
 * ends it at once, leaving the slot usable.
 */
final class Generator {
    record Result(String finishReason, int promptTokens, int completionTokens) {}

    private final Tokenizer tokenizer;
    private final DecodeScheduler scheduler;
    private final ServerMetrics metrics;
    private final int promptChunk;
    private final BooleanSupplier stopping;

    Generator(Tokenizer tokenizer, DecodeScheduler scheduler, ServerMetrics metrics, int promptChunk, BooleanSupplier stopping) {
        this.tokenizer = tokenizer;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.promptChunk = promptChunk;
        this.stopping = stopping;
    }

    Result run(Slot slot, int[] prompt, CompletionRequest request, TextSink sink) throws IOException {
        try {
            float[] logits = evaluatePrompt(slot, prompt);
            return generate(slot, prompt, logits, request, sink);
        } catch (RuntimeException e) {
            slot.clear(); // the session may have advanced past what the slot recorded
            throw e;
        } finally {
            scheduler.finished(slot.session());
        }
    }

    private float[] evaluatePrompt(Slot slot, int[] prompt) {
        long start = System.nanoTime();
        int reused = slot.rewindFor(prompt);
        float[] logits = null;
        for (int from = reused; from < prompt.length; from += promptChunk) {
            int n = Math.min(promptChunk, prompt.length - from);
            logits = scheduler.evaluate(slot.session(), Arrays.copyOfRange(prompt, from, from + n));
            slot.appended(prompt, from, n);
        }
        metrics.prompt(prompt.length - reused, (System.nanoTime() - start) / 1e9);
        return logits;
    }

    private Result generate(Slot slot, int[] prompt, float[] logits, CompletionRequest request, TextSink sink) throws IOException {
        long start = System.nanoTime();
        Sampler sampler = new Sampler(request.sampling());
        for (int t : prompt) sampler.accept(t);
        TokenDecoder decoder = new TokenDecoder(tokenizer);
        StopMatcher stops = new StopMatcher(request.stop());
        int limit = request.maxTokens() < 0 ? Integer.MAX_VALUE : request.maxTokens();
        int generated = 0;
        String finish;
        try {
            while (true) {
                if (stopping.getAsBoolean()) throw new IOException("the server is stopping");
                int token = sampler.sample(logits);
                generated++;
                if (tokenizer.isEog(token)) {
                    finish = "stop";
                    break;
                }
                StopMatcher.Step step = stops.push(decoder.next(token));
                emit(sink, step.text());
                if (step.stopped()) return new Result("stop", prompt.length, generated);
                if (generated >= limit || slot.position() >= slot.contextSize()) {
                    finish = "length";
                    break;
                }
                int[] next = {token};
                logits = scheduler.evaluate(slot.session(), next);
                slot.appended(next, 0, 1);
            }
            StopMatcher.Step last = stops.push(decoder.finish());
            emit(sink, last.text());
            if (last.stopped()) return new Result("stop", prompt.length, generated);
            emit(sink, stops.flush());
            return new Result(finish, prompt.length, generated);
        } finally {
            metrics.generated(generated, (System.nanoTime() - start) / 1e9);
        }
    }

    private static void emit(TextSink sink, String text) throws IOException {
        if (!text.isEmpty()) sink.accept(text);
    }
}
