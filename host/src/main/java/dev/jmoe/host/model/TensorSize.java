package dev.jmoe.host.model;

import dev.jmoe.host.gguf.GgufModel;

import java.util.List;

/** A tensor as the planner sees it: its name and the bytes it takes. */
public record TensorSize(String name, long bytes) {
    public static List<TensorSize> of(GgufModel model) {
        return model.tensors().stream().map(t -> new TensorSize(t.name(), t.bytes())).toList();
    }
}
