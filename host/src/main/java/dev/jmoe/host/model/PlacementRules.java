package dev.jmoe.host.model;

import java.util.List;
import java.util.Objects;

/**
 * What the user asked for: {@code -ngl}, the override rules in command-line order ({@code -ot},
 * {@code --cpu-moe}, {@code --n-cpu-moe}; the first match wins), and the memory each GPU keeps free.
 *
 * @param gpuReserveBytes per GPU, kept free beyond the weights and the KV cache (see {@link #DEFAULT_GPU_RESERVE})
 */
public record PlacementRules(GpuLayers gpuLayers, List<TensorOverride> overrides, long gpuReserveBytes) {

    /**
     * 1 GiB, what llama.cpp's {@code --fit} leaves free per device by default. It covers what the plan
     * does not count: the CUDA context (300-500 MiB on recent drivers when the device's total memory is
     * the planning figure), the cuBLAS workspace, and the micro-batch's activations (for {@code -ub 512}
     * the logits alone are 512 x vocabulary x 4 B, 0.25 GiB at a 129k vocabulary). The expert staging
     * slots for prefill are sized by the staging cache and come on top when it is enabled.
     */
    public static final long DEFAULT_GPU_RESERVE = 1L << 30;

    public PlacementRules {
        Objects.requireNonNull(gpuLayers, "gpuLayers");
        overrides = List.copyOf(overrides);
        if (gpuReserveBytes < 0) throw new IllegalArgumentException("GPU reserve must not be negative, got " + gpuReserveBytes);
    }

    /** No flags: {@code -ngl auto}, no overrides, the default reserve. */
    public static PlacementRules defaults() {
        return new PlacementRules(GpuLayers.AUTO, List.of(), DEFAULT_GPU_RESERVE);
    }

    /** {@code -ngl 0}: nothing on a GPU, and no GPU probed for. */
    public static PlacementRules cpuOnly() {
        return new PlacementRules(GpuLayers.NONE, List.of(), DEFAULT_GPU_RESERVE);
    }

    /** Whether these rules would put anything on a GPU if one were there. */
    public boolean wantsGpu() {
        return gpuLayers.wantsGpu() || overrides.stream().anyMatch(o -> !o.device().isCpu());
    }

    /** The first override matching {@code tensor}, or null. */
    TensorOverride overrideFor(String tensor) {
        for (TensorOverride o : overrides) if (o.matches(tensor)) return o;
        return null;
    }
}
