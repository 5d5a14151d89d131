package dev.jmoe.host.engine;

/**
 * When a MoE layer whose experts live on the host runs on the GPU for a micro-batch: when
 * {@code batch × used ≥ threshold × experts}, i.e. when the micro-batch routes at least {@code threshold}
 * tokens to an average expert (the rule ik_llama.cpp uses); otherwise the CPU computes the experts in place.
 * {@link #reason} is the one line that says where the threshold came from.
 */
public record OffloadRule(int threshold, String reason) {
    public static final int DEFAULT_THRESHOLD = 32;
    /** A threshold no micro-batch reaches: the GPU never pays (its per-token cost is not below the CPU's). */
    public static final int NEVER = Integer.MAX_VALUE;

    public OffloadRule {
        if (threshold < 1) throw new IllegalArgumentException("--offload-batch-size must be at least 1, not " + threshold);
    }

    public static OffloadRule fixed(int threshold) {
        return new OffloadRule(threshold, "offload: MoE layers on the GPU when batch × n_expert_used ≥ " + threshold
                + " × n_expert (--offload-batch-size " + threshold + ")");
    }

    public boolean onGpu(int batch, int used, int experts) {
        return threshold != NEVER && (long) batch * used >= (long) threshold * experts;
    }

    /** The smallest micro-batch that goes to the GPU for a layer of {@code experts} choosing {@code used}. */
    public long smallestGpuBatch(int used, int experts) {
        if (threshold == NEVER) return Long.MAX_VALUE;
        return ((long) threshold * experts + used - 1) / used;
    }

    /**
     * The threshold from measured costs: the smallest batch B for which uploading the experts B tokens route
     * to, plus the GPU's own time, costs no more than the CPU computing them; then {@code T = ⌈B·used/experts⌉}.
     */
    public static OffloadRule fromCosts(OffloadCosts c) {
        double saving = c.cpuSecondsPerToken() - c.gpuSecondsPerToken();
        if (saving <= 0) {
            return new OffloadRule(NEVER, String.format(java.util.Locale.ROOT,
                    "offload: auto: MoE layers stay on the CPU (GPU %.3f ms/token is not below CPU %.3f ms/token)",
                    c.gpuSecondsPerToken() * 1e3, c.cpuSecondsPerToken() * 1e3));
        }
        long batch = crossover(c, saving);
        long t = (batch * c.used() + c.experts() - 1) / c.experts();
        int threshold = (int) Math.min(t, NEVER - 1L);
        return new OffloadRule(threshold, String.format(java.util.Locale.ROOT,
                "offload: auto: GPU from %d tokens per micro-batch (--offload-batch-size %d): uploading %.1f MB of "
                        + "experts at %.2f GB/s and %.3f ms/token on the GPU beat %.3f ms/token on the CPU",
                batch, threshold, c.uploadBytes(batch) / 1e6, c.pinnedBytesPerSecond() / 1e9, c.gpuSecondsPerToken() * 1e3,
                c.cpuSecondsPerToken() * 1e3));
    }

    /**
     * The smallest B ≥ 1 with upload(B) ≤ B·saving. upload is concave in B and 0 at 0, so the B that satisfy it
     * form one interval [B*, ∞) and a binary search finds B*; B = ⌈full-layer upload / saving⌉ always does.
     */
    private static long crossover(OffloadCosts c, double saving) {
        long lo = 1;
        long hi = Math.max(1, (long) Math.ceil(c.uploadSeconds(Long.MAX_VALUE) / saving));
        while (!c.gpuPays(hi, saving)) hi *= 2; // rounding at the bound
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            if (c.gpuPays(mid, saving)) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }
}
