package dev.jmoe.host.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The tensor data of a model: each part's data section mapped read-only, tensors as slices of it.
 * The one place that decides how tensor bytes reach memory (to be switched to the memory layer, which
 * adds no-mmap, mlock and huge pages). Closing it unmaps everything; slices must not outlive it.
 */
public final class TensorDataSource implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final Map<Path, MemorySegment> regions = new HashMap<>();

    private TensorDataSource() {}

    public static TensorDataSource open(GgufModel model) {
        TensorDataSource source = new TensorDataSource();
        try {
            for (GgufFile part : model.parts()) source.regions.put(part.path(), map(part, source.arena));
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        return source;
    }

    private static MemorySegment map(GgufFile part, Arena arena) {
        long length = part.fileSize() - part.dataStart();
        if (length <= 0) return MemorySegment.NULL;
        try (FileChannel ch = FileChannel.open(part.path(), StandardOpenOption.READ)) {
            if (ch.size() != part.fileSize()) {
                throw new GgufFormatException(part.path(), "file size changed from " + part.fileSize() + " to " + ch.size() + " since its header was read");
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, part.dataStart(), length, arena);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map " + part.path() + ": " + e.getMessage(), e);
        }
    }

    /** The data of {@code tensor}, read-only. */
    public MemorySegment segment(GgufTensorInfo tensor) {
        MemorySegment region = regions.get(tensor.file());
        if (region == null) throw new IllegalArgumentException(tensor.name() + " is in " + tensor.file() + ", not in this model");
        return region.asSlice(tensor.dataOffset(), tensor.bytes());
    }

    @Override
    public void close() {
        arena.close();
    }
}
