package dev.jmoe.host.numa;

import dev.jmoe.host.mem.NativeCallException;
import dev.jmoe.host.topo.NumaNode;
import dev.jmoe.host.topo.NumaTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where the engine's {@code -t} workers run. Under the modes that place memory on nodes (distribute,
 * isolate, mirror) there is one group of workers per node of the plan's {@link ReplicaMap} (every node
 * with CPUs; isolate's start node only), each worker pinned to its node's CPUs and reading its node's
 * replica. Worker i goes to node i mod n, as llama.cpp's {@code --numa distribute} spreads threads: the
 * groups differ by at most one worker, and a {@code -t} below the node count leaves the last nodes without
 * workers (their replicas unread, which {@link #describe} says). Under off and numactl nothing is pinned:
 * the workers inherit the process's CPU set (numactl's, taskset's) and replica 0 is the only one.
 *
 * <p>Pure but for {@link #pin}: the spreading is tested on fixture topologies.
 */
public final class WorkerLayout {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerLayout.class);

    private final NumaMode mode;
    private final int workers;
    /** Each worker's node; empty when nothing is pinned. */
    private final List<NumaNode> nodeOfWorker;
    private final List<Integer> replicaOfWorker;
    /** Nodes of the plan that got no worker (-t below the node count). */
    private final List<Integer> idleNodes;
    private final AtomicBoolean pinWarned = new AtomicBoolean();

    private WorkerLayout(NumaMode mode, int workers, List<NumaNode> nodeOfWorker, List<Integer> replicaOfWorker, List<Integer> idleNodes) {
        this.mode = mode;
        this.workers = workers;
        this.nodeOfWorker = List.copyOf(nodeOfWorker);
        this.replicaOfWorker = List.copyOf(replicaOfWorker);
        this.idleNodes = List.copyOf(idleNodes);
    }

    /** {@code threads} workers, none pinned ({@code mode} null: no {@code --numa} flag). */
    public static WorkerLayout unpinned(NumaMode mode, int threads) {
        requireThreads(threads);
        return new WorkerLayout(mode == null ? NumaMode.OFF : mode, threads, List.of(), List.of(), List.of());
    }

    /** The layout of {@code threads} workers for the plan in effect ({@code off} when placement was refused). */
    public static WorkerLayout of(PlacementPlan plan, NumaTopology topo, int threads) {
        requireThreads(threads);
        if (!pinsWorkers(plan.mode())) return unpinned(plan.mode(), threads);
        List<NumaNode> nodes = new ArrayList<>();
        for (int id : plan.replicaMap().replicaByNode().keySet()) {
            NumaNode node = topo.node(id).orElseThrow(() -> new IllegalArgumentException("the plan names NUMA node " + id + ", which this topology lacks"));
            if (node.cpus().isEmpty()) throw new IllegalArgumentException("the plan puts workers on NUMA node " + id + ", which has no CPUs");
            nodes.add(node);
        }
        List<NumaNode> nodeOf = new ArrayList<>(threads);
        List<Integer> replicaOf = new ArrayList<>(threads);
        for (int w = 0; w < threads; w++) {
            NumaNode node = nodes.get(w % nodes.size());
            nodeOf.add(node);
            replicaOf.add(plan.replicaMap().replicaFor(node.id()));
        }
        List<Integer> idle = nodes.subList(Math.min(threads, nodes.size()), nodes.size()).stream().map(NumaNode::id).toList();
        return new WorkerLayout(plan.mode(), threads, nodeOf, replicaOf, idle);
    }

    /** The modes that place memory on nodes pin their workers there; off and numactl leave threads alone. */
    static boolean pinsWorkers(NumaMode mode) {
        return mode == NumaMode.DISTRIBUTE || mode == NumaMode.ISOLATE || mode == NumaMode.MIRROR;
    }

    public NumaMode mode() {
        return mode;
    }

    public int workers() {
        return workers;
    }

    /** Whether the workers are pinned: then the pool needs a thread per worker, each running {@link #pin}. */
    public boolean pinned() {
        return !nodeOfWorker.isEmpty();
    }

    /** The node worker {@code worker} runs on; -1 when nothing is pinned. */
    public int nodeOf(int worker) {
        checkWorker(worker);
        return pinned() ? nodeOfWorker.get(worker).id() : -1;
    }

    /** The replica worker {@code worker} reads: its node's; 0 when nothing is pinned. */
    public int replicaOf(int worker) {
        checkWorker(worker);
        return pinned() ? replicaOfWorker.get(worker) : 0;
    }

    /**
     * Pins the calling thread, worker {@code worker}, to its node's CPUs: the pool's start hook. A refused
     * {@code sched_setaffinity} (a cpuset without that node's CPUs) leaves the thread unpinned, with one
     * warning for the pool; it still reads its node's replica, which is correct, only farther away.
     */
    public void pin(int worker) {
        if (!pinned()) return;
        NumaNode node = nodeOfWorker.get(worker);
        try {
            NodeWorkers.pinCurrentThread(node);
            if (LOG.isDebugEnabled()) {
                // What the kernel says, not what we asked: numa-vm-check.sh matches it against the guest's nodes.
                LOG.debug("numa {}: worker {} pinned to node {}, CPUs {} (sched_getaffinity), reads replica {}",
                        mode.flag(), worker, node.id(), CpuAffinity.currentThreadCpus(), replicaOfWorker.get(worker));
            }
        } catch (NativeCallException e) {
            if (pinWarned.compareAndSet(false, true)) {
                LOG.warn("numa {}: cannot pin worker {} to node {}'s CPUs {}: {}; such workers run unpinned",
                        mode.flag(), worker, node.id(), node.cpus(), e.getMessage());
            }
        }
    }

    /** One line: e.g. "numa mirror: 2 workers on node 0 read replica 0, 2 on node 1 read replica 1". */
    public String describe() {
        if (!pinned()) {
            return "numa " + mode.flag() + ": " + plural(workers) + ", not pinned"
                    + (mode == NumaMode.NUMACTL ? " (the inherited CPU set and memory policy apply)" : "");
        }
        Map<Integer, Integer> perNode = new LinkedHashMap<>();
        Map<Integer, Integer> replicaOfNode = new LinkedHashMap<>();
        for (int w = 0; w < workers; w++) {
            perNode.merge(nodeOfWorker.get(w).id(), 1, Integer::sum);
            replicaOfNode.put(nodeOfWorker.get(w).id(), replicaOfWorker.get(w));
        }
        StringBuilder sb = new StringBuilder("numa ").append(mode.flag()).append(": ");
        boolean first = true;
        for (Map.Entry<Integer, Integer> e : perNode.entrySet()) {
            sb.append(first ? plural(e.getValue()) : e.getValue()).append(" on node ").append(e.getKey());
            if (mode == NumaMode.MIRROR) sb.append(e.getValue() == 1 ? " reads" : " read").append(" replica ").append(replicaOfNode.get(e.getKey()));
            sb.append(", ");
            first = false;
        }
        sb.setLength(sb.length() - 2);
        if (!idleNodes.isEmpty()) {
            sb.append(idleNodes.size() == 1 ? "; node " + idleNodes.getFirst() + " gets" : "; nodes " + idleNodes + " get")
                    .append(" no workers (-t ").append(workers).append(")");
        }
        return sb.toString();
    }

    private static String plural(int workers) {
        return workers + (workers == 1 ? " worker" : " workers");
    }

    private void checkWorker(int worker) {
        if (worker < 0 || worker >= workers) throw new IndexOutOfBoundsException("worker " + worker + " of " + workers);
    }

    private static void requireThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("a worker layout needs at least 1 worker, got " + threads);
    }
}
