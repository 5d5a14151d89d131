package dev.jmoe.host.numa;

import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.mem.LoadOptions;
import dev.jmoe.host.mem.NativeCallException;
import dev.jmoe.host.topo.CudaDevices;
import dev.jmoe.host.topo.HostTopology;
import dev.jmoe.host.topo.NumaNode;
import dev.jmoe.host.topo.NumaTopology;
import dev.jmoe.host.topo.PciLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** Loading a model with {@code --numa}: where the process is, where the GPU is, the plan, the placement. */
public final class NumaLoad {
    private static final Logger LOG = LoggerFactory.getLogger(NumaLoad.class);

    private NumaLoad() {}

    public static NumaPlacement load(GgufModel model, LoadOptions options, HostTopology topo, NumaMode mode, MirrorScope scope) {
        NumaTopology numa = topo.numa();
        PlacementPlanner planner = new PlacementPlanner(numa, startNode(numa), homeNode(topo));
        PlacementPlan plan = planner.plan(mode, scope, model.tensors());
        plan.notes().forEach(LOG::info);
        List<String> warnings = new ArrayList<>();
        if (numa.balancing() && mode != NumaMode.OFF) {
            String line = "kernel.numa_balancing is on: the kernel migrates pages behind the --numa " + mode.flag()
                    + " placement (sysctl -w kernel.numa_balancing=0)";
            LOG.warn(line);
            warnings.add(line);
        }
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
