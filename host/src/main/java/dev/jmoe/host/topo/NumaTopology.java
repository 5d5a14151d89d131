package dev.jmoe.host.topo;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The NUMA nodes of this machine, ascending by id, and whether the kernel's automatic NUMA
 * balancing is on (it migrates pages behind a placement the engine chose). A kernel without NUMA
 * support shows one node holding every CPU and all memory.
 */
public record NumaTopology(List<NumaNode> nodes, boolean balancing) {
    public NumaTopology {
        if (nodes.isEmpty()) throw new IllegalArgumentException("a machine has at least one NUMA node");
        nodes = nodes.stream().sorted(Comparator.comparingInt(NumaNode::id)).toList();
    }

    /** Whether placement across nodes matters here (more than one node). */
    public boolean isNuma() {
        return nodes.size() > 1;
    }

    public Optional<NumaNode> node(int id) {
        return nodes.stream().filter(n -> n.id() == id).findFirst();
    }

    /** The node a logical CPU sits on. */
    public Optional<NumaNode> nodeOfCpu(int cpu) {
        return nodes.stream().filter(n -> n.hasCpu(cpu)).findFirst();
    }

    /** Every CPU of every node, ascending. */
    public List<Integer> cpus() {
        TreeSet<Integer> all = new TreeSet<>();
        nodes.forEach(n -> all.addAll(n.cpus()));
        return List.copyOf(all);
    }

    public long memTotalBytes() {
        return nodes.stream().mapToLong(NumaNode::memTotalBytes).sum();
    }

    public long memFreeBytes() {
        return nodes.stream().mapToLong(NumaNode::memFreeBytes).sum();
    }
}
