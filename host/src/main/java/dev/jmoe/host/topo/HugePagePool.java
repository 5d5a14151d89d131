package dev.jmoe.host.topo;

import java.util.List;

/**
 * The hugetlb pool of one page size: pages reserved for huge-page mappings ({@code total}) and
 * those not yet handed out ({@code free}), machine-wide and per NUMA node.
 *
 * @param reserved pages promised to mappings that have not touched them yet ({@code resv_hugepages}): the
 *                 kernel still counts them as free, but a new mapping cannot have them
 * @param perNode  the pool's share on each node, ascending by node; empty on a kernel without NUMA
 */
public record HugePagePool(long pageBytes, long total, long free, long reserved, List<NodePages> perNode) {
    public HugePagePool {
        perNode = List.copyOf(perNode);
    }

    /** A pool with nothing reserved. */
    public HugePagePool(long pageBytes, long total, long free, List<NodePages> perNode) {
        this(pageBytes, total, free, 0, perNode);
    }

    /** Pages a new mapping can still get: free minus reserved. */
    public long available() {
        return Math.max(0, free - reserved);
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
