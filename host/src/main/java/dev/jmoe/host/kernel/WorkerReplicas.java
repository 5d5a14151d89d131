package dev.jmoe.host.kernel;

/**
 * Which replica of replicated weights each worker of a pool reads: the seam that lets a NUMA-pinned pool
 * (the engine wires it from {@code dev.jmoe.host.numa.WorkerLayout}) send each worker to its node's copy
 * without the kernels knowing about nodes. Asked once per worker per job, never per block. A replica
 * number beyond a tensor's replicas reads replica 0 (a tensor that lives once).
 */
@FunctionalInterface
public interface WorkerReplicas {
    /** Every worker reads replica 0: unpinned pools, tests. */
    WorkerReplicas FIRST = worker -> 0;

    int replicaOf(int worker);
}
