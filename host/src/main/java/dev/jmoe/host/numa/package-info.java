/**
 * NUMA placement of a model's tensor data ({@code --numa off|distribute|isolate|numactl|mirror}) and the
 * report of where its pages really are.
 *
 * <ul>
 *   <li>Planning, pure and tested on fixture topologies: {@link dev.jmoe.host.numa.PlacementPlanner}
 *       turns a mode and the tensors into a {@link dev.jmoe.host.numa.PlacementPlan} (regions and their
 *       policies, the {@link dev.jmoe.host.numa.ReplicaMap}, the announced cost), checked against each
 *       node's free memory by {@link dev.jmoe.host.numa.MemoryCheck} before anything is allocated.</li>
 *   <li>Placing: {@link dev.jmoe.host.numa.NumaLoad} finds the start and GPU nodes, plans, and
 *       {@link dev.jmoe.host.numa.NumaPlacement} copies each planned region into anonymous memory
 *       whose policy was set before the first touch; a refused policy call means {@code off} and one warning.</li>
 *   <li>Reporting: {@link dev.jmoe.host.numa.PlacementReport} asks {@link dev.jmoe.host.numa.PageLocator}
 *       ({@code move_pages} without target nodes) for the node of sampled pages.</li>
 *   <li>Syscalls through FFM, no libnuma: {@link dev.jmoe.host.numa.MemPolicy} (mbind, set/get_mempolicy),
 *       {@link dev.jmoe.host.numa.PageLocator} (move_pages), {@link dev.jmoe.host.numa.CpuAffinity}
 *       (sched_setaffinity). The raw syscall numbers are x86_64's; elsewhere the calls fail with
 *       ENOSYS and placement degrades to {@code off}.</li>
 * </ul>
 *
 * Seams for the engine (not built yet): its worker pool pins one group of platform threads per node
 * with {@link dev.jmoe.host.numa.NodeWorkers#pinCurrentThread}, each task resolves its replica once
 * with {@link dev.jmoe.host.numa.NodeWorkers#currentReplica} and reads
 * {@link dev.jmoe.host.numa.NumaPlacement#segment(dev.jmoe.host.gguf.GgufTensorInfo, int)}. KV cache,
 * activations and scratch buffers are to be allocated node-local by those workers (first touch on a
 * pinned thread, or {@link dev.jmoe.host.numa.MemPolicy#setThreadPolicy}) and join the report as classes.
 */
package dev.jmoe.host.numa;
