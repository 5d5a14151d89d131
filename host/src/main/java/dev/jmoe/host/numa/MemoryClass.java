package dev.jmoe.host.numa;

import dev.jmoe.host.gguf.GgufTensorInfo;

/**
 * The kinds of memory the placement report accounts for: the tensor data we place (experts, the other
 * weights), the KV cache (native memory whose policy the plan sets, {@link PlacementPlan#kvCache()}), and
 * scratch: the Java heap, where activations, layer outputs and the workers' scratch rows live and where
 * the JVM (under {@code -XX:+UseNUMA}) gives each thread memory of its own node.
 */
public enum MemoryClass {
    EXPERTS("experts"),
    WEIGHTS("weights"),
    KV_CACHE("kv cache"),
    SCRATCH("scratch");

    private final String label;

    MemoryClass(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The class of a tensor's data. */
    public static MemoryClass of(GgufTensorInfo tensor) {
        return tensor.isExpert() ? EXPERTS : WEIGHTS;
    }
}
