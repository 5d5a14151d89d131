package dev.jmoe.host.mem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The kernel's hugetlb pools as sysfs shows them ({@code hugepages-2048kB}, {@code hugepages-1048576kB}
 * under {@code /sys/kernel/mm/hugepages}). Read before asking mmap for huge pages so a short pool is
 * reported by how much, not just as ENOMEM. The root is a parameter so tests can point at a fake tree.
 */
public final class HugePageAvailability {
    public static final Path SYSFS = Path.of("/sys/kernel/mm/hugepages");

    private final Path root;

    public HugePageAvailability(Path root) {
        this.root = root;
    }

    public static HugePageAvailability system() {
        return new HugePageAvailability(SYSFS);
    }

    /** The sysfs directory of the pool for {@code kind} (2m or 1g). */
    public Path poolDir(HugePageMode kind) {
        return root.resolve("hugepages-" + kind.pageBytes() / ByteSize.KIB + "kB");
    }

    /**
     * Pages a new mapping can still get: free minus those already promised to other mappings
     * (free_hugepages counts reserved-but-untouched pages as free). Empty when there is no such pool.
     */
    public Optional<Long> availablePages(HugePageMode kind) {
        Path dir = poolDir(kind);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        long free = readCount(dir.resolve("free_hugepages"));
        Path resvFile = dir.resolve("resv_hugepages");
        long reserved = Files.exists(resvFile) ? readCount(resvFile) : 0;
        return Optional.of(Math.max(0, free - reserved));
    }

    /** Why {@code bytes} of {@code kind} pages cannot be had, or empty when the pool has enough. */
    public Optional<String> shortfall(HugePageMode kind, long bytes) {
        long needed = pagesFor(kind, bytes);
        Optional<Long> available;
        try {
            available = availablePages(kind);
        } catch (IllegalStateException unreadable) {
            return Optional.of(kind.flag() + ": " + unreadable.getMessage()); // a reason to fall back, not to fail
        }
        if (available.isEmpty()) {
            return Optional.of(kind.flag() + ": no " + poolDir(kind).getFileName() + " pool on this kernel");
        }
        long have = available.get();
        if (have >= needed) {
            return Optional.empty();
        }
        return Optional.of(kind.flag() + ": pool has " + have + " free pages, needs " + needed
                + " (" + ByteSize.format((needed - have) * kind.pageBytes()) + " short)");
    }

    /** Pages of {@code kind} that {@code bytes} occupy (rounded up). */
    public static long pagesFor(HugePageMode kind, long bytes) {
        return ByteSize.roundUp(bytes, kind.pageBytes()) / kind.pageBytes();
    }

    private static long readCount(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read huge page count from " + file + ": " + e.getMessage(), e);
        }
    }
}
