package dev.jmoe.host.mem;

import dev.jmoe.host.ui.ProgressBar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A file region (a GGUF file's tensor data) placed in memory: mapped from the page cache by default,
 * or copied into anonymous memory ({@code --no-mmap}) on 4 KiB, transparent or hugetlb pages
 * ({@code --hugepages}), optionally locked ({@code --mlock}). {@link #segment()} is exactly the
 * region; {@link #close()} unmaps it and ends the segment's scope.
 */
public final class ModelMemory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelMemory.class);

    private final NativeMapping mapping;
    private final MemorySegment segment;
    private final LoadReport report;

    private ModelMemory(NativeMapping mapping, MemorySegment segment, LoadReport report) {
        this.mapping = mapping;
        this.segment = segment;
        this.report = report;
    }

    /** Places {@code length} bytes of {@code file} from {@code offset} as {@code options} ask. */
    public static ModelMemory load(Path file, long offset, long length, LoadOptions options) throws IOException {
        return load(file, offset, length, options, MemlockLimit.ofProcess(), AnonymousMemory.system());
    }

    static ModelMemory load(Path file, long offset, long length, LoadOptions options,
                            MemlockLimit memlock, AnonymousMemory anonymous) throws IOException {
        checkRegion(file, offset, length);
        long start = System.nanoTime();
        List<String> fallbacks = new ArrayList<>();
        MemorySegment region;
        LoadMode mode;
        NativeMapping mapping;
        if (options.mapsFile()) {
            long delta = offset - ByteSize.roundDown(offset, Mman.PAGE_SIZE);
            if (options.mlock()) {
                memlock.require(ByteSize.roundUp(delta + length, Mman.PAGE_SIZE));
            }
            mapping = mapFile(file, offset - delta, delta + length);
            region = mapping.segment().asSlice(delta, length);
            mode = LoadMode.MMAP;
            if (!options.mlock()) {
                prefetch(mapping, length);
            }
        } else {
            if (options.mlock()) {
                memlock.require(length);
            }
            AnonymousMemory.Allocation a = anonymous.allocate(length, options.hugePages(), fallbacks);
            mapping = a.mapping();
            region = mapping.segment().asSlice(0, length);
            mode = a.mode();
            copyInto(file, offset, region, mapping);
        }
        if (options.mlock()) {
            lock(mapping, memlock);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        LoadReport report = new LoadReport(file, offset, length, mode, options.mlock(), seconds, fallbacks);
        LOG.info(report.summary());
        // Read-only for every mode: a stray write to a PROT_READ mapping would kill the JVM with SIGSEGV.
        return new ModelMemory(mapping, region.asReadOnly(), report);
    }

    /** Exactly the requested region, read-only; dead after {@link #close()}. */
    public MemorySegment segment() {
        return segment;
    }

    public LoadMode mode() {
        return report.mode();
    }

    public LoadReport report() {
        return report;
    }

    /** The virtual address of the region's first byte. */
    public long address() {
        return segment.address();
    }

    /** Whether the region starts at a multiple of {@code alignment} (a power of two), e.g. 4 KiB or 2 MiB. */
    public boolean isAligned(long alignment) {
        if (Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: " + alignment);
        }
        return (address() & (alignment - 1)) == 0;
    }

    /** Unmaps (or frees) the memory; the segment is no longer alive afterwards. */
    @Override
    public void close() {
        mapping.close();
    }

    private static void checkRegion(Path file, long offset, long length) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": not a regular file (or missing)");
        }
        long size = Files.size(file);
        if (offset < 0 || length <= 0 || offset > size || length > size - offset) {
            throw new IllegalArgumentException(file + ": region at offset " + offset + " of " + length
                    + " bytes does not lie inside the file (" + size + " bytes)");
        }
    }

    private static NativeMapping mapFile(Path file, long alignedOffset, long length) {
        int fd = Fcntl.openReadOnly(file);
        try {
            return NativeMapping.map(length, Mman.PROT_READ, Mman.MAP_SHARED, fd, alignedOffset);
        } finally {
            Fcntl.close(fd); // the mapping keeps its own reference to the file
        }
    }

    /**
     * MADV_WILLNEED starts readahead of the whole region, so a model not yet in the page cache streams
     * in from disk in large requests instead of one page fault at a time on the first token. Skipped
     * when the region exceeds available memory: the readahead would evict its own first pages.
     */
    private static void prefetch(NativeMapping mapping, long length) {
        if (length > MemInfo.availableBytes()) {
            LOG.debug("no MADV_WILLNEED: {} exceeds available memory", ByteSize.format(length));
            return;
        }
        try {
            Mman.madvise(mapping.address(), mapping.length(), Mman.MADV_WILLNEED);
        } catch (NativeCallException e) {
            LOG.debug("MADV_WILLNEED not applied: {}", e.getMessage()); // a hint; the mapping works without it
        }
    }

    private static void copyInto(Path file, long offset, MemorySegment region, NativeMapping mapping) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             ProgressBar bar = ProgressBar.forTerminal("loading " + file.getFileName(), region.byteSize())) {
            FileRegionCopier.copy(channel, file, offset, region, bar);
        } catch (IOException | RuntimeException e) {
            mapping.close();
            throw e;
        }
    }

    private static void lock(NativeMapping mapping, MemlockLimit memlock) {
        try {
            Mman.mlock(mapping.address(), mapping.length());
        } catch (NativeCallException e) {
            mapping.close();
            throw memlock.failure(mapping.length(), e);
        }
    }
}
