package dev.jmoe.host.model;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.gguf.GgufValue;
import dev.jmoe.host.gguf.GgufWriter;
import dev.jmoe.host.gguf.TensorDataSource;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/** Test helper: writes a variant of a test model (metadata edited, tensors dropped, replaced or added). */
public final class ModelRewrite {
    private ModelRewrite() {}

    /**
     * Copies {@code source} to {@code target}: metadata through {@code metadata} (edit the map in place),
     * every tensor through {@code tensor}, which calls {@code Tensors.put} for what to write in its place.
     */
    public static void rewrite(Path source, Path target, java.util.function.Consumer<Map<String, GgufValue>> metadata,
                        BiConsumer<GgufTensorInfo, TensorWriter> tensor) {
        GgufModel model = GgufModel.open(source);
        Map<String, GgufValue> md = new LinkedHashMap<>(model.metadata().asMap());
        metadata.accept(md);
        GgufWriter w = new GgufWriter();
        md.forEach(w::put);
        try (TensorDataSource data = TensorDataSource.open(model)) {
            for (GgufTensorInfo t : model.tensors()) tensor.accept(t, new TensorWriter(w, data.segment(t)));
            w.write(target);
        }
    }

    /** Writes tensors for one source tensor: itself ({@link #same}) or others. */
    public record TensorWriter(GgufWriter writer, MemorySegment data) {
        public void same(GgufTensorInfo t) {
            writer.addTensor(t.name(), t.type(), t.shape(), data);
        }

        public void put(String name, GgmlType type, long[] shape, MemorySegment bytes) {
            writer.addTensor(name, type, shape, bytes);
        }
    }
}
