package dev.jmoe.host.topo;

import java.util.List;

/**
 * The hugetlb pool of one page size: pages reserved for huge-page mappings ({@code total}) and
 * those not yet handed out ({@code free}), machine-wide and per NUMA node.
 *
 * @param perNode the pool's share on each node, ascending by node; empty on a kernel without NUMA
 */
public record HugePagePool(long pageBytes, long total, long free, List<NodePages> perNode) {
    public HugePagePool {
        perNode = List.copyOf(perNode);
    }

    /** One node's pages of this size. */
    public record NodePages(int node, long total, long free) {}

    public long totalBytes() {
        return total * pageBytes;
    }

    public long freeBytes() {
        return free * pageBytes;
    }
}
