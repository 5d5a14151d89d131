package dev.jmoe.host.engine;

/**
 * What the {@code auto} offload threshold weighs, for one MoE layer: the bytes of one expert (gate + up + down),
 * how many experts there are and how many each token uses, the measured pinned host→device bandwidth, the CPU's
 * expert time per token and the GPU's expert product time per token (0 where not measured).
 */
public record OffloadCosts(long expertBytes, int experts, int used, double pinnedBytesPerSecond,
                           double cpuSecondsPerToken, double gpuSecondsPerToken) {
    public OffloadCosts {
        if (expertBytes <= 0 || experts <= 0 || used <= 0 || used > experts || !(pinnedBytesPerSecond > 0)
                || !(cpuSecondsPerToken > 0) || gpuSecondsPerToken < 0) {
            throw new IllegalArgumentException("offload costs out of range: expert " + expertBytes + " B, " + used + "/"
                    + experts + " experts, " + pinnedBytesPerSecond + " B/s, CPU " + cpuSecondsPerToken
                    + " s/token, GPU " + gpuSecondsPerToken + " s/token");
        }
    }

    /** Expected number of distinct experts {@code batch} tokens route to under uniform routing ({@link ExpertRuns#expectedDistinct}). */
    public double expectedDistinct(long batch) {
        return ExpertRuns.expectedDistinct(batch, used, experts);
    }

    public double uploadBytes(long batch) {
        return expectedDistinct(batch) * expertBytes;
    }

    public double uploadSeconds(long batch) {
        return uploadBytes(batch) / pinnedBytesPerSecond;
    }

    /** Whether the GPU path costs no more than the CPU for a micro-batch of {@code batch} tokens. */
    boolean gpuPays(long batch, double savingPerToken) {
        return uploadSeconds(batch) <= batch * savingPerToken;
    }
}
