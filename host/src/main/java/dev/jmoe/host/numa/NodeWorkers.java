package dev.jmoe.host.numa;

import dev.jmoe.host.topo.NumaNode;

/**
 * Pinning a worker thread to its node: the engine's pool calls {@link #pinCurrentThread} from each
 * worker's start hook ({@link WorkerLayout#pin}); from then on the thread knows its node
 * ({@link #currentNode()}, {@link #currentReplica}). The kernels get the replica by worker index instead
 * ({@link WorkerLayout#replicaOf}), which needs no thread-local lookup.
 */
public final class NodeWorkers {
    private static final ThreadLocal<Integer> NODE = new ThreadLocal<>();

    private NodeWorkers() {}

    /** Restricts the calling (platform) thread to {@code node}'s CPUs and records its node. */
    public static void pinCurrentThread(NumaNode node) {
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("a virtual thread cannot be pinned to NUMA node " + node.id());
        }
        if (node.cpus().isEmpty()) {
            throw new IllegalArgumentException("NUMA node " + node.id() + " has no CPUs to run workers on");
        }
        CpuAffinity.pinCurrentThread(node.cpus());
        NODE.set(node.id());
    }

    /** The node the calling worker was pinned to; -1 for a thread that was not. */
    public static int currentNode() {
        Integer node = NODE.get();
        return node == null ? -1 : node;
    }

    /** The replica the calling worker reads: its node's, or replica 0 for an unpinned thread. */
    public static int currentReplica(ReplicaMap map) {
        int node = currentNode();
        return node < 0 ? 0 : map.replicaFor(node);
    }
}
