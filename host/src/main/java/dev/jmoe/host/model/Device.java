package dev.jmoe.host.model;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a tensor lives and its ops run: the host CPU, or (once the CUDA backend plugs in) a GPU by index.
 * NUMA placement of host tensors refines {@link #CPU} later without changing this seam.
 */
public record Device(String kind, int index) {
    public static final Device CPU = new Device("cpu", 0);

    private static final Pattern CUDA_BUFFER = Pattern.compile("CUDA(\\d{1,3})");

    public static Device cuda(int index) {
        return new Device("cuda", index);
    }

    /**
     * The device a llama.cpp buffer type name means, as {@code -ot} takes them: {@code CPU} or
     * {@code CUDA<n>}, in any case. Whether {@code CUDA<n>} exists is the planner's question.
     */
    public static Device ofBufferName(String name) {
        String upper = name.strip().toUpperCase(Locale.ROOT);
        if (upper.equals("CPU")) return CPU;
        Matcher m = CUDA_BUFFER.matcher(upper);
        if (m.matches()) return cuda(Integer.parseInt(m.group(1)));
        throw new IllegalArgumentException("unknown buffer type '" + name + "' (expected CPU or CUDA0, CUDA1, ...)");
    }

    public boolean isCpu() {
        return kind.equals("cpu");
    }

    /** The name llama.cpp gives this device's buffer type: {@code CPU}, {@code CUDA0}. */
    public String bufferName() {
        return isCpu() ? "CPU" : kind.toUpperCase(Locale.ROOT) + index;
    }

    @Override
    public String toString() {
        return isCpu() ? "cpu" : kind + index;
    }
}
