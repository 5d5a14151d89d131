package dev.jmoe.host.topo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NumaTopologyReaderTest {
    private static final long KIB = 1024;

    @Test
    void twoNodesWithTheirCpusAndMemory() {
        NumaTopology numa = new NumaTopologyReader(TopoFixtures.sys("two-node")).read();
        assertEquals(List.of(
                new NumaNode(0, List.of(0, 1, 2, 3, 8, 9, 10, 11), 65_536_000 * KIB, 60_000_000 * KIB, List.of(10, 21)),
                new NumaNode(1, List.of(4, 5, 6, 7, 12, 13, 14, 15), 65_536_000 * KIB, 61_000_000 * KIB, List.of(21, 10))),
                numa.nodes());
        assertTrue(numa.balancing());
        assertTrue(numa.isNuma());
        assertEquals(1, numa.nodeOfCpu(12).orElseThrow().id());
        assertEquals(0, numa.nodeOfCpu(9).orElseThrow().id());
        assertTrue(numa.nodeOfCpu(16).isEmpty());
        assertEquals(IntStream.range(0, 16).boxed().toList(), numa.cpus());
        assertEquals(131_072_000 * KIB, numa.memTotalBytes());
    }

    @Test
    void oneNodeWithBalancingOff() {
        NumaTopology numa = new NumaTopologyReader(TopoFixtures.sys("one-node")).read();
        assertEquals(List.of(new NumaNode(0, List.of(0, 1, 2, 3), 16_308_828 * KIB, 9_113_716 * KIB, List.of(10))), numa.nodes());
        assertFalse(numa.balancing());
        assertFalse(numa.isNuma());
    }

    @Test
    void kernelWithoutNumaIsOneNodeWithAllCpusAndMemory() {
        NumaTopology numa = new NumaTopologyReader(TopoFixtures.sys("no-numa")).read();
        assertEquals(List.of(new NumaNode(0, List.of(0, 1, 2, 3), 8_039_544 * KIB, 6_321_108 * KIB, List.of())), numa.nodes());
        assertFalse(numa.balancing());
    }

    @Test
    void withoutCpuOnlineTheCpusComeFromCpuinfo(@TempDir Path root) throws IOException {
        TopoFixtures.write(root, "/proc/cpuinfo", "processor\t: 0\n\nprocessor\t: 1\n\nprocessor\t: 2\n\n");
        TopoFixtures.write(root, "/proc/meminfo", "MemTotal: 2048 kB\nMemFree: 1024 kB\n");
        NumaTopology numa = new NumaTopologyReader(new SysTree(root)).read();
        assertEquals(List.of(new NumaNode(0, List.of(0, 1, 2), 2048 * KIB, 1024 * KIB, List.of())), numa.nodes());
    }

    @Test
    void anyNonZeroBalancingModeIsOn(@TempDir Path root) throws IOException {
        writeOneNode(root, "0-1");
        TopoFixtures.write(root, "/proc/sys/kernel/numa_balancing", "2\n");
        assertTrue(new NumaTopologyReader(new SysTree(root)).read().balancing());
    }

    @Test
    void memoryOnlyNodeHasNoCpus(@TempDir Path root) throws IOException {
        writeOneNode(root, "0-1");
        TopoFixtures.write(root, "/sys/devices/system/node/node1/cpulist", "\n");
        TopoFixtures.write(root, "/sys/devices/system/node/node1/meminfo", "Node 1 MemTotal: 4096 kB\nNode 1 MemFree: 4096 kB\n");
        NumaTopology numa = new NumaTopologyReader(new SysTree(root)).read();
        assertEquals(new NumaNode(1, List.of(), 4096 * KIB, 4096 * KIB, List.of()), numa.node(1).orElseThrow());
    }

    @Test
    void nodesSortByNumberNotName(@TempDir Path root) throws IOException {
        for (int id : new int[] {0, 2, 10}) {
            TopoFixtures.write(root, "/sys/devices/system/node/node" + id + "/cpulist", String.valueOf(id));
            TopoFixtures.write(root, "/sys/devices/system/node/node" + id + "/meminfo",
                    "Node " + id + " MemTotal: 8 kB\nNode " + id + " MemFree: 4 kB\n");
        }
        List<Integer> ids = new NumaTopologyReader(new SysTree(root)).read().nodes().stream().map(NumaNode::id).toList();
        assertEquals(List.of(0, 2, 10), ids);
    }

    @Test
    void badDistanceIsAnErrorNamingTheFile(@TempDir Path root) throws IOException {
        writeOneNode(root, "0");
        TopoFixtures.write(root, "/sys/devices/system/node/node0/distance", "10 far\n");
        var e = assertThrows(TopologyFormatException.class, () -> new NumaTopologyReader(new SysTree(root)).read());
        assertTrue(e.getMessage().contains("node0/distance: expected numbers, found '10 far'"), e.getMessage());
    }

    @Test
    void badCpulistIsAnErrorNamingTheFile(@TempDir Path root) throws IOException {
        writeOneNode(root, "0-x");
        var e = assertThrows(TopologyFormatException.class, () -> new NumaTopologyReader(new SysTree(root)).read());
        assertTrue(e.getMessage().contains("node0/cpulist") && e.getMessage().contains("'x'"), e.getMessage());
    }

    @Test
    void meminfoWithoutMemFreeIsAnErrorNamingFileAndField(@TempDir Path root) throws IOException {
        TopoFixtures.write(root, "/sys/devices/system/node/node0/cpulist", "0");
        TopoFixtures.write(root, "/sys/devices/system/node/node0/meminfo", "Node 0 MemTotal: 8 kB\n");
        var e = assertThrows(TopologyFormatException.class, () -> new NumaTopologyReader(new SysTree(root)).read());
        assertTrue(e.getMessage().contains("node0/meminfo: no MemFree line"), e.getMessage());
    }

    @Test
    void meminfoWithAWrongUnitIsAnErrorQuotingTheLine(@TempDir Path root) throws IOException {
        TopoFixtures.write(root, "/sys/devices/system/node/node0/cpulist", "0");
        TopoFixtures.write(root, "/sys/devices/system/node/node0/meminfo", "Node 0 MemTotal: 8 MB\nNode 0 MemFree: 4 kB\n");
        var e = assertThrows(TopologyFormatException.class, () -> new NumaTopologyReader(new SysTree(root)).read());
        assertTrue(e.getMessage().contains("'Node 0 MemTotal: 8 MB'"), e.getMessage());
    }

    private static void writeOneNode(Path root, String cpulist) throws IOException {
        TopoFixtures.write(root, "/sys/devices/system/node/node0/cpulist", cpulist + "\n");
        TopoFixtures.write(root, "/sys/devices/system/node/node0/meminfo", "Node 0 MemTotal: 8 kB\nNode 0 MemFree: 4 kB\n");
    }
}
