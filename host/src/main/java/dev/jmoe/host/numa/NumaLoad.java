package dev.jmoe.host.numa;

import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.mem.LoadOptions;
import dev.jmoe.host.mem.NativeCallException;
import dev.jmoe.host.topo.CudaDevices;
import dev.jmoe.host.topo.HostTopology;
import dev.jmoe.host.topo.NumaNode;
import dev.jmoe.host.topo.NumaTopology;
import dev.jmoe.host.topo.PciLink;
import dev.jmoe.host.topo.TopoWarnings;

import java.util.ArrayList;
import java.util.List;

/**
 * Loading a model with {@code --numa}: where the process is, where the GPU is, the plan, the placement.
 * Warnings (numa_balancing on, a policy refused) come back in {@link NumaPlacement#warnings()}, unlogged.
 */
public final class NumaLoad {
    private NumaLoad() {}

    public static NumaPlacement load(GgufModel model, LoadOptions options, HostTopology topo, NumaMode mode, MirrorScope scope) {
        NumaTopology numa = topo.numa();
        PlacementPlanner planner = new PlacementPlanner(numa, startNode(numa), homeNode(topo));
        PlacementPlan plan = planner.plan(mode, scope, model.tensors());
        List<String> warnings = new ArrayList<>();
        // Returned, not logged: the caller shows each warning once (topo beside its own, the engine in its log).
        if (numa.balancing() && mode != NumaMode.OFF) warnings.add(TopoWarnings.numaBalancing());
        return NumaPlacement.place(model, options, plan, warnings);
    }

    /** The node of the CPU this thread runs on; the first node when that cannot be told. */
    public static int startNode(NumaTopology numa) {
        try {
            return numa.nodeOfCpu(CpuAffinity.currentCpu()).map(NumaNode::id).orElse(numa.nodes().getFirst().id());
        } catch (NativeCallException e) {
            return numa.nodes().getFirst().id();
        }
    }

    /** The node the first GPU with a known node hangs off; node 0 (the first node) without one. */
    public static int homeNode(HostTopology topo) {
        for (CudaDevices.Gpu gpu : topo.cuda().devices()) {
            var node = gpu.link().map(PciLink::node);
            if (node.isPresent() && node.get().isPresent() && topo.numa().node(node.get().getAsInt()).isPresent()) {
                return node.get().getAsInt();
            }
        }
        return topo.numa().nodes().getFirst().id();
    }
}
