package dev.jmoe.host.mem;

import java.util.Objects;

/**
 * How to bring a file region into memory; the CLI flags {@code --no-mmap}, {@code --mlock} and
 * {@code --hugepages}. Huge pages always mean a copy (a file mapping cannot use hugetlb pages), so
 * {@code hugePages != OFF} implies {@code mmap = false} whatever {@code mmap} says.
 */
public record LoadOptions(boolean mmap, boolean mlock, HugePageMode hugePages) {
    public LoadOptions {
        Objects.requireNonNull(hugePages, "hugePages");
    }

    /** mmap, no lock, no huge pages: what a run without flags does. */
    public static LoadOptions defaults() {
        return new LoadOptions(true, false, HugePageMode.OFF);
    }

    public LoadOptions withMmap(boolean mmap) {
        return new LoadOptions(mmap, mlock, hugePages);
    }

    public LoadOptions withMlock(boolean mlock) {
        return new LoadOptions(mmap, mlock, hugePages);
    }

    public LoadOptions withHugePages(HugePageMode hugePages) {
        return new LoadOptions(mmap, mlock, hugePages);
    }

    /** Whether the region is mapped from the file rather than copied into anonymous memory. */
    public boolean mapsFile() {
        return mmap && hugePages == HugePageMode.OFF;
    }
}
