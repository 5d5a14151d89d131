package dev.jmoe.host.model;

import java.util.Locale;

/**
 * {@code -ngl}: how many layers go to the GPU, counted from the last one as llama.cpp does; the output
 * layer ({@code output_norm}, {@code output}) counts as one more after the repeating layers, so
 * {@code -ngl N} with N above the layer count also places the output. The input embedding stays on
 * the host (a row lookup gains nothing from the GPU), as in llama.cpp.
 *
 * <p>{@code auto} is jmoe's default: the most layers whose non-expert tensors fit the GPU, the experts
 * ({@code _exps}) on the host. {@code all} and numbers mean what they do in llama.cpp: whole layers,
 * experts included, unless {@code --cpu-moe}, {@code --n-cpu-moe} or {@code -ot} keep them on the host.
 */
public record GpuLayers(Mode mode, int count) {
    public enum Mode { AUTO, ALL, COUNT }

    public static final GpuLayers AUTO = new GpuLayers(Mode.AUTO, 0);
    public static final GpuLayers ALL = new GpuLayers(Mode.ALL, 0);
    public static final GpuLayers NONE = new GpuLayers(Mode.COUNT, 0);

    public GpuLayers {
        if (count < 0) throw new IllegalArgumentException("-ngl must not be negative, got " + count);
    }

    public static GpuLayers of(int count) {
        return new GpuLayers(Mode.COUNT, count);
    }

    /** {@code auto}, {@code all}, a count, or -1 (llama.cpp's spelling of auto). */
    public static GpuLayers parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("auto") || t.equals("-1")) return AUTO;
        if (t.equals("all")) return ALL;
        try {
            int n = Integer.parseInt(t);
            if (n >= 0) return of(n);
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalArgumentException("'" + text + "' is not a layer count (expected a number >= 0, auto or all)");
    }

    /** True unless this is {@code -ngl 0}. */
    public boolean wantsGpu() {
        return !(mode == Mode.COUNT && count == 0);
    }

    @Override
    public String toString() {
        return switch (mode) {
            case AUTO -> "auto";
            case ALL -> "all";
            case COUNT -> Integer.toString(count);
        };
    }
}
