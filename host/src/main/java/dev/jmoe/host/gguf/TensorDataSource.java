package dev.jmoe.host.gguf;

import dev.jmoe.host.mem.LoadOptions;
import dev.jmoe.host.mem.LoadReport;
import dev.jmoe.host.mem.ModelMemory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The tensor data of a model: each part's data section placed in memory by the memory layer
 * ({@link ModelMemory}: mmap, anonymous copy, huge pages, mlock) and tensors handed out as read-only
 * slices of it. Closing it releases everything; slices must not outlive it.
 */
public final class TensorDataSource implements AutoCloseable {
    private final Map<Path, ModelMemory> regions = new HashMap<>();
    /** Set when another layer placed the tensors (NUMA): it hands out their data and is closed with this. */
    private final Function<GgufTensorInfo, MemorySegment> placed;
    private final AutoCloseable placedOwner;

    private TensorDataSource() {
        this(null, null);
    }

    private TensorDataSource(Function<GgufTensorInfo, MemorySegment> placed, AutoCloseable placedOwner) {
        this.placed = placed;
        this.placedOwner = placedOwner;
    }

    /**
     * Tensor data that another layer placed ({@code --numa}: copies on chosen nodes): {@code segments} gives
     * each tensor's data, {@code owner} is closed with this source.
     */
    public static TensorDataSource placed(Function<GgufTensorInfo, MemorySegment> segments, AutoCloseable owner) {
        return new TensorDataSource(segments, owner);
    }

    /** Maps the model's tensor data with the default options (mmap, no lock, no huge pages). */
    public static TensorDataSource open(GgufModel model) {
        return open(model, LoadOptions.defaults());
    }

    /**
     * Places the model's tensor data as {@code options} ask (the --no-mmap, --mlock, --hugepages flags);
     * {@code options.numa()} is the NUMA layer's business ({@link dev.jmoe.host.numa.NumaTensorData}).
     */
    public static TensorDataSource open(GgufModel model, LoadOptions options) {
        TensorDataSource source = new TensorDataSource();
        try {
            for (GgufFile part : model.parts()) {
                // A vocabulary-only file has no data section: nothing to place.
                if (part.fileSize() > part.dataStart()) source.regions.put(part.path(), place(part, options));
            }
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        return source;
    }

    private static ModelMemory place(GgufFile part, LoadOptions options) {
        try {
            long size = Files.size(part.path());
            if (size != part.fileSize()) {
                throw new GgufFormatException(part.path(), "file size changed from " + part.fileSize() + " to " + size + " since its header was read");
            }
            return ModelMemory.load(part.path(), part.dataStart(), part.fileSize() - part.dataStart(), options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the tensor data of " + part.path() + ": " + e.getMessage(), e);
        }
    }

    /** The data of {@code tensor}, read-only. */
    public MemorySegment segment(GgufTensorInfo tensor) {
        if (placed != null) return placed.apply(tensor);
        return memory(tensor).segment().asSlice(tensor.dataOffset(), tensor.bytes());
    }

    /**
     * Whether {@code tensor}'s data starts on an {@code alignment} boundary in memory (4 KiB or 2 MiB:
     * what pinning pages in place needs). With mmap this follows the file offset; with a copy, the copy.
     */
    public boolean isAligned(GgufTensorInfo tensor, long alignment) {
        return segment(tensor).address() % alignment == 0;
    }

    /** One report per file part: bytes, mode used, time, GB/s, fallbacks taken (none for placed data). */
    public List<LoadReport> reports() {
        List<LoadReport> reports = new ArrayList<>();
        for (ModelMemory m : regions.values()) reports.add(m.report());
        reports.sort((a, b) -> a.file().compareTo(b.file()));
        return reports;
    }

    private ModelMemory memory(GgufTensorInfo tensor) {
        ModelMemory region = regions.get(tensor.file());
        if (region == null) throw new IllegalArgumentException(tensor.name() + " is in " + tensor.file() + ", not in this model");
        return region;
    }

    @Override
    public void close() {
        if (placedOwner != null) {
            try {
                placedOwner.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot release the placed tensor data: " + e.getMessage(), e);
            }
        }
        for (ModelMemory m : regions.values()) m.close();
        regions.clear();
    }
}
