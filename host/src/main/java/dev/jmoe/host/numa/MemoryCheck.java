package dev.jmoe.host.numa;

import dev.jmoe.host.mem.ByteSize;
import dev.jmoe.host.topo.NumaNode;
import dev.jmoe.host.topo.NumaTopology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whether the bound regions of a plan fit their nodes, checked before anything is allocated: a region
 * bound to a node that runs out does not spill over, the kernel's OOM killer ends the process instead.
 * A node's capacity is its MemFree (the node meminfo has no MemAvailable; the page cache a node
 * holds may be reclaimable too, so this errs on the safe side).
 */
public final class MemoryCheck {
    private MemoryCheck() {}

    /** Bytes each node must hold for the BIND regions of {@code regions}. */
    public static Map<Integer, Long> boundBytesByNode(List<RegionPlan> regions) {
        Map<Integer, Long> need = new TreeMap<>();
        for (RegionPlan r : regions) {
            if (r.policy().mode() != MemPolicy.Mode.BIND) continue;
            // A BIND region may use any node of its mask; we only ever bind to one node.
            for (int node : r.policy().nodes()) need.merge(node, r.bytes() / r.policy().nodes().size(), Long::sum);
        }
        return need;
    }

    /** Throws, naming every short node with what it needs and has, when the bound regions do not fit. */
    public static void require(NumaTopology topo, NumaMode mode, int replicas, List<RegionPlan> regions) {
        List<String> short_ = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : boundBytesByNode(regions).entrySet()) {
            long has = topo.node(e.getKey()).map(NumaNode::memFreeBytes).orElse(0L);
            if (e.getValue() > has) {
                short_.add("node " + e.getKey() + " needs " + ByteSize.format(e.getValue()) + " (" + e.getValue()
                        + " bytes) and has " + ByteSize.format(has) + " (" + has + " bytes) free");
            }
        }
        if (!short_.isEmpty()) {
            throw new NumaPlacementException(mode.flag() + ": " + replicas + " replica(s) do not fit: "
                    + String.join("; ", short_) + " (use fewer replicas: --numa-mirror experts, or --numa distribute)");
        }
    }
}
