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
 * Workers: {@link dev.jmoe.host.numa.WorkerLayout} decides where the engine's {@code -t} workers run: under
 * distribute, isolate and mirror one group per node of the plan (worker i on node i mod n; isolate: the start
 * node), each pinned to its node's CPUs by the pool's start hook ({@link dev.jmoe.host.numa.NodeWorkers#pinCurrentThread});
 * under off and numactl nothing is pinned. Each worker's replica ({@link dev.jmoe.host.numa.ReplicaMap} of its node)
 * reaches the kernels as {@link dev.jmoe.host.kernel.WorkerReplicas}, which MatMul asks once per worker and job;
 * the expert weights carry every replica ({@link dev.jmoe.host.gguf.TensorDataSource#replicas}), and under
 * {@code --numa-mirror all} the other weight matrices too. (Norm vectors and the embedding rows are read
 * from replica 0: a few KiB per token.)
 *
 * <p>The KV cache, decided: native memory ({@link dev.jmoe.host.numa.PolicyMemory}) under the plan's
 * {@link dev.jmoe.host.numa.PlacementPlan#kvCache()} policy: interleaved over the worker nodes under distribute
 * and mirror (each row is written once and read by the attention workers of every node, so one copy spread
 * evenly beats a replica per node that every write would have to update), bound to the start node under
 * isolate, the thread's own policy under off and numactl. Every page is written at allocation, so it exists
 * on its node before the first token and the report sees it.
 *
 * <p>Scratch and activations, decided: what the kernels allocate per worker (attention's score rows, the
 * dot products' partial sums) is allocated by the pinned worker inside its job, so the JVM puts it on the
 * worker's node: the launcher runs the JVM with {@code -XX:+UseNUMA}, under which G1 hands each thread
 * heap memory of its own node (and which switches itself off on one node). The activations and the layer
 * outputs stay on the Java heap of the thread of control and are shared by all nodes: a token's activation
 * is a few KiB that each worker reads once per product into its own caches, and each output row is written
 * once by the worker that computed it, against megabytes of expert rows per token; copying them to every
 * node each step would cost more than the remote reads it saves. The report's {@code scratch} class is the
 * Java heap's present pages ({@link dev.jmoe.host.numa.JavaHeap} finds its range).
 */
package dev.jmoe.host.numa;
