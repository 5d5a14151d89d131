package dev.jmoe.host.mem;

import dev.jmoe.host.topo.HugePagePool;
import dev.jmoe.host.topo.HugePagesReader;
import dev.jmoe.host.topo.SysTree;
import dev.jmoe.host.topo.TopologyFormatException;

import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Whether a hugetlb pool can back a new mapping, asked before mmap so a short pool is reported by how
 * much, not just as ENOMEM. The pools are read by the topology's {@link HugePagesReader} (one reader of
 * {@code /sys/kernel/mm/hugepages} for {@code jmoe topo} and for loading); the tree is a parameter so
 * tests can point at a fake one.
 */
public final class HugePageAvailability {
    private final SysTree sys;

    public HugePageAvailability(SysTree sys) {
        this.sys = sys;
    }

    public static HugePageAvailability system() {
        return new HugePageAvailability(SysTree.live());
    }

    /** The sysfs directory name of the pool for {@code kind} (2m or 1g). */
    private static String poolName(HugePageMode kind) {
        return "hugepages-" + kind.pageBytes() / ByteSize.KIB + "kB";
    }

    /**
     * Pages a new mapping can still get: free minus those already promised to other mappings
     * (free_hugepages counts reserved-but-untouched pages as free). Empty when there is no such pool.
     */
    public Optional<Long> availablePages(HugePageMode kind) {
        return new HugePagesReader(sys).read().pool(kind.pageBytes()).map(HugePagePool::available);
    }

    /** Why {@code bytes} of {@code kind} pages cannot be had, or empty when the pool has enough. */
    public Optional<String> shortfall(HugePageMode kind, long bytes) {
        long needed = pagesFor(kind, bytes);
        Optional<Long> available;
        try {
            available = availablePages(kind);
        } catch (TopologyFormatException | UncheckedIOException unreadable) {
            return Optional.of(kind.flag() + ": " + unreadable.getMessage()); // a reason to fall back, not to fail
        }
        if (available.isEmpty()) {
            return Optional.of(kind.flag() + ": no " + poolName(kind) + " pool on this kernel");
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
}
