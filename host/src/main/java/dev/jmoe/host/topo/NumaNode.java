package dev.jmoe.host.topo;

import java.util.List;

/**
 * One NUMA node: the CPUs that sit on it and the memory attached to it. A node may have memory and
 * no CPUs (CXL or HBM memory nodes).
 *
 * @param id        the kernel's node number (as in {@code mbind} masks and {@code numactl -N})
 * @param cpus      its logical CPUs, ascending
 * @param distances the firmware's relative access cost from this node to node 0, 1, ... (10 is
 *                  local); empty where the kernel does not say
 */
public record NumaNode(int id, List<Integer> cpus, long memTotalBytes, long memFreeBytes, List<Integer> distances) {
    public NumaNode {
        if (id < 0) throw new IllegalArgumentException("NUMA node id " + id + " is negative");
        cpus = List.copyOf(cpus);
        distances = List.copyOf(distances);
    }

    public boolean hasCpu(int cpu) {
        return cpus.contains(cpu);
    }
}
