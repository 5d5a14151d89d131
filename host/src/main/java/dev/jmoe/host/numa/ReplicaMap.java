package dev.jmoe.host.numa;

import java.util.Map;
import java.util.TreeMap;

/**
 * Which replica the workers of each node read. Resolved once per task (a worker knows its node
 * when it is pinned), never per block: the lookup stays out of the hot loop.
 */
public record ReplicaMap(Map<Integer, Integer> replicaByNode) {
    public ReplicaMap {
        replicaByNode = new TreeMap<>(replicaByNode);
    }

    /** Every node reads replica 0 (all modes but mirror). */
    static ReplicaMap single(Iterable<Integer> nodes) {
        Map<Integer, Integer> m = new TreeMap<>();
        for (int node : nodes) m.put(node, 0);
        return new ReplicaMap(m);
    }

    /** The replica the workers on {@code node} read. */
    public int replicaFor(int node) {
        Integer r = replicaByNode.get(node);
        if (r == null) throw new IllegalArgumentException("no replica for NUMA node " + node + " (nodes: " + replicaByNode.keySet() + ")");
        return r;
    }

    public int replicas() {
        return (int) replicaByNode.values().stream().distinct().count();
    }
}
