package dev.jmoe.host.numa;

import dev.jmoe.host.topo.NumaNode;

/**
 * The seam for the engine's worker pool (one group of platform threads per node): a worker pins itself
 * to its node's CPUs when it starts and from then on knows its node, so a task resolves its replica
 * once ({@link ReplicaMap#replicaFor(int)} on {@link #currentNode()}) before its inner loops.
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
