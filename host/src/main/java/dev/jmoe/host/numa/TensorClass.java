package dev.jmoe.host.numa;

import dev.jmoe.host.gguf.GgufTensorInfo;

/**
 * The kinds of memory the placement report accounts for. KV cache and scratch buffers come with the
 * engine; their placement is the engine's (node-local per worker group) and they join the report then.
 */
public enum TensorClass {
    EXPERTS("experts"),
    WEIGHTS("weights");

    private final String label;

    TensorClass(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static TensorClass of(GgufTensorInfo tensor) {
        return tensor.isExpert() ? EXPERTS : WEIGHTS;
    }
}
