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

/**
 * The tensor data of a model: each part's data section placed in memory by the memory layer
 * ({@link ModelMemory}: mmap, anonymous copy, huge pages, mlock) and tensors handed out as read-only
 * slices of it. Closing it releases everything; slices must not outlive it.
 */
public final class TensorDataSource implements AutoCloseable {
    private final Map<Path, ModelMemory> regions = new HashMap<>();
    /** Set when another layer placed the tensors (NUMA): it hands out their data and is closed with this. */
    private final PlacedTensors placed;

    private TensorDataSource() {
        this(null);
    }

    private TensorDataSource(PlacedTensors placed) {
        this.placed = placed;
    }

    /** Tensor data that another layer placed ({@code --numa}: copies on chosen nodes); closed with this source. */
    public static TensorDataSource placed(PlacedTensors placed) {
        return new TensorDataSource(placed);
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

    /** The data of {@code tensor}, read-only (its first replica where it has several). */
    public MemorySegment segment(GgufTensorInfo tensor) {
        if (placed != null) return placed.segment(tensor, 0);
        return memory(tensor).segment().asSlice(tensor.dataOffset(), tensor.bytes());
    }

    /**
     * Every replica of {@code tensor}'s data, replica r at index r: one per NUMA node under {@code --numa
     * mirror}, else just {@link #segment}. The kernels pick the one their worker's node reads.
     */
    public List<MemorySegment> replicas(GgufTensorInfo tensor) {
        if (placed == null) return List.of(segment(tensor));
        int n = placed.replicasOf(tensor);
        List<MemorySegment> all = new ArrayList<>(n);
        for (int r = 0; r < n; r++) all.add(placed.segment(tensor, r));
        return List.copyOf(all);
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
        if (placed != null) placed.close();
        for (ModelMemory m : regions.values()) m.close();
        regions.clear();
    }
}
