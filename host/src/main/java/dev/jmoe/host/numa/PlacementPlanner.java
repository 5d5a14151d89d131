package dev.jmoe.host.numa;

import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.mem.ByteSize;
import dev.jmoe.host.topo.NumaNode;
import dev.jmoe.host.topo.NumaTopology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a {@code --numa} mode, a topology and a model's tensors into a {@link PlacementPlan}. Pure:
 * no syscalls, so every mode is tested against fixture topologies of any size.
 */
public final class PlacementPlanner {
    private final NumaTopology topo;
    private final int startNode;
    private final int homeNode;

    /**
     * @param startNode the node the process started on ({@code isolate} binds there)
     * @param homeNode  the node nearest the GPU, or node 0 without one (the non-expert weights go there)
     */
    public PlacementPlanner(NumaTopology topo, int startNode, int homeNode) {
        this.topo = topo;
        this.startNode = requireNode(topo, startNode, "start");
        this.homeNode = requireNode(topo, homeNode, "home");
    }

    public PlacementPlan plan(NumaMode mode, MirrorScope scope, List<GgufTensorInfo> tensors) {
        List<GgufTensorInfo> experts = tensors.stream().filter(GgufTensorInfo::isExpert).toList();
        List<GgufTensorInfo> weights = tensors.stream().filter(t -> !t.isExpert()).toList();
        return switch (mode) {
            case OFF -> unplaced(mode, "numa off: tensor data stays where the memory layer put it");
            case NUMACTL -> unplaced(mode, "numa numactl: the inherited CPU set and memory policy are kept");
            case DISTRIBUTE -> distribute(experts, weights);
            case ISOLATE -> isolate(experts, weights);
            case MIRROR -> mirror(scope, experts, weights);
        };
    }

    /** The nodes whose CPUs run workers; memory-only nodes (CXL, HBM) get no workers and no replica. */
    public List<Integer> workerNodes() {
        List<Integer> nodes = topo.nodes().stream().filter(n -> !n.cpus().isEmpty()).map(NumaNode::id).toList();
        return nodes.isEmpty() ? List.of(topo.nodes().getFirst().id()) : nodes;
    }

    private PlacementPlan unplaced(NumaMode mode, String note) {
        return new PlacementPlan(mode, 1, List.of(), ReplicaMap.single(workerNodes()), PlacementPlan.THREAD_POLICY, List.of(note));
    }

    private PlacementPlan distribute(List<GgufTensorInfo> experts, List<GgufTensorInfo> weights) {
        List<Integer> all = topo.nodes().stream().map(NumaNode::id).toList();
        List<RegionPlan> regions = new ArrayList<>();
        add(regions, MemoryClass.EXPERTS, 0, interleave(all), experts);
        add(regions, MemoryClass.WEIGHTS, 0, preferred(homeNode), weights);
        return new PlacementPlan(NumaMode.DISTRIBUTE, 1, regions, ReplicaMap.single(workerNodes()), interleave(workerNodes()),
                List.of("distribute: experts interleaved over nodes " + all + ", other weights on node " + homeNode
                        + ", kv cache interleaved over nodes " + workerNodes()));
    }

    private PlacementPlan isolate(List<GgufTensorInfo> experts, List<GgufTensorInfo> weights) {
        List<RegionPlan> regions = new ArrayList<>();
        add(regions, MemoryClass.EXPERTS, 0, bind(startNode), experts);
        add(regions, MemoryClass.WEIGHTS, 0, bind(startNode), weights);
        MemoryCheck.require(topo, NumaMode.ISOLATE, 1, regions);
        return new PlacementPlan(NumaMode.ISOLATE, 1, regions, ReplicaMap.single(List.of(startNode)), bind(startNode),
                List.of("isolate: tensors and kv cache on node " + startNode + " (the node the process started on)"));
    }

    private PlacementPlan mirror(MirrorScope scope, List<GgufTensorInfo> experts, List<GgufTensorInfo> weights) {
        List<Integer> nodes = workerNodes();
        List<RegionPlan> regions = new ArrayList<>();
        Map<Integer, Integer> replicaByNode = new TreeMap<>();
        for (int r = 0; r < nodes.size(); r++) {
            int node = nodes.get(r);
            replicaByNode.put(node, r);
            add(regions, MemoryClass.EXPERTS, r, bind(node), experts);
            if (scope == MirrorScope.ALL) add(regions, MemoryClass.WEIGHTS, r, bind(node), weights);
        }
        if (scope == MirrorScope.EXPERTS) add(regions, MemoryClass.WEIGHTS, 0, preferred(homeNode), weights);
        int replicas = nodes.size();
        MemoryCheck.require(topo, NumaMode.MIRROR, replicas, regions);
        // One cache row is written once and read by the attention workers of every node: interleaved, not copied.
        return new PlacementPlan(NumaMode.MIRROR, replicas, regions, new ReplicaMap(replicaByNode), interleave(nodes),
                List.of(mirrorNote(scope, replicas, regions), "mirror: kv cache interleaved over nodes " + nodes));
    }

    /** "mirror: 2 replicas, +X GiB": what the replicas beyond the first cost. */
    private static String mirrorNote(MirrorScope scope, int replicas, List<RegionPlan> regions) {
        long extra = regions.stream().filter(r -> r.replica() > 0).mapToLong(RegionPlan::bytes).sum();
        if (replicas == 1) {
            return "mirror: 1 replica (one NUMA node with CPUs, nothing to mirror), +0 B";
        }
        return "mirror: " + replicas + " replicas of " + scope.flag() + ", +" + ByteSize.format(extra) + " (" + extra + " bytes)";
    }

    private static void add(List<RegionPlan> regions, MemoryClass cls, int replica, MemPolicy.Policy policy, List<GgufTensorInfo> tensors) {
        if (!tensors.isEmpty()) regions.add(new RegionPlan(cls, replica, policy, tensors));
    }

    private static MemPolicy.Policy interleave(List<Integer> nodes) {
        return new MemPolicy.Policy(MemPolicy.Mode.INTERLEAVE, nodes);
    }

    private static MemPolicy.Policy bind(int node) {
        return new MemPolicy.Policy(MemPolicy.Mode.BIND, List.of(node));
    }

    private static MemPolicy.Policy preferred(int node) {
        return new MemPolicy.Policy(MemPolicy.Mode.PREFERRED, List.of(node));
    }

    private static int requireNode(NumaTopology topo, int node, String what) {
        if (topo.node(node).isEmpty()) {
            throw new NumaPlacementException(what + " node " + node + " is not one of this machine's NUMA nodes "
                    + topo.nodes().stream().map(NumaNode::id).toList());
        }
        return node;
    }
}
