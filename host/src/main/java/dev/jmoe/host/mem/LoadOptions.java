package dev.jmoe.host.mem;

import dev.jmoe.host.numa.NumaOptions;

import java.util.Objects;

/**
 * How to bring a file region into memory; the CLI flags {@code --no-mmap}, {@code --mlock} and
 * {@code --hugepages}. Huge pages always mean a copy (a file mapping cannot use hugetlb pages), so
 * {@code hugePages != OFF} implies {@code mmap = false} whatever {@code mmap} says.
 *
 * @param numa {@code --numa}: the tensors are placed on NUMA nodes after the file is loaded
 *             ({@link dev.jmoe.host.numa.NumaTensorData}); null for no NUMA step at all
 */
public record LoadOptions(boolean mmap, boolean mlock, HugePageMode hugePages, NumaOptions numa) {
    public LoadOptions {
        Objects.requireNonNull(hugePages, "hugePages");
    }

    public LoadOptions(boolean mmap, boolean mlock, HugePageMode hugePages) {
        this(mmap, mlock, hugePages, null);
    }

    /** mmap, no lock, no huge pages: what a run without flags does. */
    public static LoadOptions defaults() {
        return new LoadOptions(true, false, HugePageMode.OFF);
    }

    public LoadOptions withMmap(boolean mmap) {
        return new LoadOptions(mmap, mlock, hugePages, numa);
    }

    public LoadOptions withMlock(boolean mlock) {
        return new LoadOptions(mmap, mlock, hugePages, numa);
    }

    public LoadOptions withHugePages(HugePageMode hugePages) {
        return new LoadOptions(mmap, mlock, hugePages, numa);
    }

    /** {@code numa} null: no NUMA step. */
    public LoadOptions withNuma(NumaOptions numa) {
        return new LoadOptions(mmap, mlock, hugePages, numa);
    }

    /** Whether the region is mapped from the file rather than copied into anonymous memory. */
    public boolean mapsFile() {
        return mmap && hugePages == HugePageMode.OFF;
    }
}
