package dev.jmoe.host.bench;

import dev.jmoe.host.engine.EngineOptions;

import java.util.Optional;

/**
 * One measured row: which model and options, which test, the tokens per second of every repetition
 * (warm-up excluded) and, from a GPU backend, its transfer figures.
 */
public record BenchResult(ModelInfo model, String backend, EngineOptions options, BenchTest test,
                          double[] samplesTs, Optional<TransferStats> transfer) {
    public BenchResult {
        samplesTs = samplesTs.clone();
    }

    @Override
    public double[] samplesTs() {
        return samplesTs.clone();
    }

    public SampleStats stats() {
        return SampleStats.of(samplesTs);
    }

    /** Nanoseconds per run for each sample (llama-bench's samples_ns). */
    public long[] samplesNs() {
        long[] ns = new long[samplesTs.length];
        for (int i = 0; i < ns.length; i++) ns[i] = Math.round(test.tokens() / samplesTs[i] * 1e9);
        return ns;
    }
}
