package dev.jmoe.host.numa;

import dev.jmoe.host.gguf.GgufTensorInfo;

/**
 * The kinds of memory the placement report accounts for: the tensor data we place. The KV cache,
 * activations and scratch live on the Java heap, where the JVM places them (see the package doc), and are
 * not reported.
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
