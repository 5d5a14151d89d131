package dev.jmoe.host.topo;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** Reads {@link NumaTopology} from {@code /sys/devices/system/node} and {@code /proc/sys/kernel}. */
public final class NumaTopologyReader {
    static final String NODES = "/sys/devices/system/node";
    static final Pattern NODE_DIR = Pattern.compile("node(\\d+)");
    static final String BALANCING = "/proc/sys/kernel/numa_balancing";
    static final String ONLINE_CPUS = "/sys/devices/system/cpu/online";

    private final SysTree sys;

    public NumaTopologyReader(SysTree sys) {
        this.sys = sys;
    }

    public NumaTopology read() {
        List<NumaNode> nodes = sys.list(NODES, NODE_DIR).stream()
                .map(m -> node(Integer.parseInt(m.group(1))))
                .toList();
        return new NumaTopology(nodes.isEmpty() ? List.of(wholeMachine()) : nodes, balancing());
    }

    private NumaNode node(int id) {
        String dir = NODES + "/node" + id;
        Meminfo mem = new Meminfo(sys, dir + "/meminfo");
        return new NumaNode(id, sys.readCpuList(dir + "/cpulist"), mem.bytes("MemTotal"), mem.bytes("MemFree"),
                distances(dir + "/distance"));
    }

    /** One line of numbers, e.g. {@code 10 21}. */
    private List<Integer> distances(String file) {
        String line = sys.readIfPresent(file).orElse("").strip();
        if (line.isEmpty()) return List.of();
        try {
            return Arrays.stream(line.split("\\s+")).map(Integer::valueOf).toList();
        } catch (NumberFormatException e) {
            throw new TopologyFormatException(sys.resolve(file), "expected numbers, found '" + line + "'");
        }
    }

    /** A kernel built without NUMA: one node 0 with every online CPU and all memory. */
    private NumaNode wholeMachine() {
        List<Integer> cpus = sys.exists(ONLINE_CPUS)
                ? sys.readCpuList(ONLINE_CPUS)
                : new CpuInfoReader(sys).processorIds();
        Meminfo mem = new Meminfo(sys, "/proc/meminfo");
        return new NumaNode(0, cpus, mem.bytes("MemTotal"), mem.bytes("MemFree"), List.of());
    }

    /** Any non-zero mode is on (1: balancing; 2: memory tiering; 3: both); absent means not built in. */
    private boolean balancing() {
        return sys.readLongIfPresent(BALANCING).map(mode -> mode != 0).orElse(false);
    }
}
