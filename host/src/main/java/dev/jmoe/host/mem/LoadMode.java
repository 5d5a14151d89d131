package dev.jmoe.host.mem;

/** How a region actually ended up in memory, with the page size that backs it. */
public enum LoadMode {
    MMAP("mmap", "file mapped read-only, MAP_SHARED", 4 * ByteSize.KIB, false),
    ANON_4K("anon-4k", "anonymous 4 KiB pages, copied", 4 * ByteSize.KIB, true),
    THP("thp", "anonymous, MADV_HUGEPAGE, copied", 2 * ByteSize.MIB, true),
    HUGETLB_2M("hugetlb-2m", "hugetlb 2 MiB pages, copied", 2 * ByteSize.MIB, true),
    HUGETLB_1G("hugetlb-1g", "hugetlb 1 GiB pages, copied", ByteSize.GIB, true);

    private final String label;
    private final String description;
    private final long pageBytes;
    private final boolean copy;

    LoadMode(String label, String description, long pageBytes, boolean copy) {
        this.label = label;
        this.description = description;
        this.pageBytes = pageBytes;
        this.copy = copy;
    }

    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /** The page size that backs the region (for THP: what the kernel may use, not a guarantee). */
    public long pageBytes() {
        return pageBytes;
    }

    /** Whether the bytes were copied out of the file (as opposed to mapped from the page cache). */
    public boolean copy() {
        return copy;
    }
}
