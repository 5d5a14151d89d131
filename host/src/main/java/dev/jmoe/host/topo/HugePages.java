package dev.jmoe.host.topo;

import java.util.List;
import java.util.Optional;

/**
 * Huge-page settings: the transparent huge page mode and the hugetlb pools.
 *
 * @param thp   the THP mode ({@code always}, {@code madvise} or {@code never}); empty where the
 *              kernel has no THP
 * @param pools one per page size the kernel supports, ascending by page size
 */
public record HugePages(Optional<String> thp, List<HugePagePool> pools) {
    public HugePages {
        pools = List.copyOf(pools);
    }

    /** The pool of this page size, if the kernel supports the size. */
    public Optional<HugePagePool> pool(long pageBytes) {
        return pools.stream().filter(p -> p.pageBytes() == pageBytes).findFirst();
    }
}
