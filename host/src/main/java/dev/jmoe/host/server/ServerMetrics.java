package dev.jmoe.host.server;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/** Counters of the completions served and the speeds of the last one; thread-safe. */
final class ServerMetrics {
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong generatedTokens = new AtomicLong();
    private final DoubleAdder promptSeconds = new DoubleAdder();
    private final DoubleAdder generationSeconds = new DoubleAdder();
    private volatile double lastPromptTps;
    private volatile double lastGenerationTps;

    void accepted() {
        requests.incrementAndGet();
    }

    void rejected() {
        rejected.incrementAndGet();
    }

    /** @param evaluated prompt tokens actually run (the cached prefix excluded) */
    void prompt(int evaluated, double seconds) {
        promptTokens.addAndGet(evaluated);
        promptSeconds.add(seconds);
        if (evaluated > 0 && seconds > 0) lastPromptTps = evaluated / seconds;
    }

    void generated(int tokens, double seconds) {
        generatedTokens.addAndGet(tokens);
        generationSeconds.add(seconds);
        if (tokens > 0 && seconds > 0) lastGenerationTps = tokens / seconds;
    }

    void write(PrometheusText out, int busy, int waiting, int total) {
        out.counter("jmoe_requests_total", "Completion requests accepted.", requests.get())
                .counter("jmoe_requests_rejected_total", "Completion requests refused because the queue was full.", rejected.get())
                .counter("jmoe_prompt_tokens_total", "Prompt tokens evaluated (cached prefixes not counted).", promptTokens.get())
                .counter("jmoe_prompt_seconds_total", "Seconds spent evaluating prompts.", promptSeconds.sum())
                .counter("jmoe_tokens_generated_total", "Tokens generated.", generatedTokens.get())
                .counter("jmoe_generation_seconds_total", "Seconds spent generating.", generationSeconds.sum())
                .gauge("jmoe_prompt_tokens_per_second", "Prompt speed of the last request.", lastPromptTps)
                .gauge("jmoe_generation_tokens_per_second", "Generation speed of the last request.", lastGenerationTps)
                .gauge("jmoe_queue_depth", "Requests waiting for a slot.", waiting)
                .gauge("jmoe_slots_busy", "Slots generating now.", busy)
                .gauge("jmoe_slots_total", "Slots (--parallel).", total);
    }
}
