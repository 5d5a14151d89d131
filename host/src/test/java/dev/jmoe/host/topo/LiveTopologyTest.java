package dev.jmoe.host.topo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The machine the tests run on: its values are unknown here, so these check that they agree with each other. */
class LiveTopologyTest {
    private final HostTopology topo = HostTopology.live();

    @Test
    void nodesCoverTheOnlineCpusOnce() {
        SysTree live = SysTree.live();
        Assumptions.assumeTrue(live.exists(NumaTopologyReader.ONLINE_CPUS), "no /sys/devices/system/cpu/online");
        List<Integer> online = live.readCpuList(NumaTopologyReader.ONLINE_CPUS);
        Set<Integer> seen = new HashSet<>();
        for (NumaNode n : topo.numa().nodes()) {
            for (int cpu : n.cpus()) assertTrue(seen.add(cpu), "CPU " + cpu + " on two nodes");
        }
        assertTrue(seen.containsAll(online), "nodes " + seen + " miss some online CPUs " + online);
        // cpuinfo lists the online CPUs; LXCFS-style containers show only their share of them
        assertTrue(topo.cpu().logicalCpus() <= online.size(), topo.cpu().logicalCpus() + " > " + online);
    }

    @Test
    void countsAreConsistent() {
        CpuInfo cpu = topo.cpu();
        assertTrue(cpu.logicalCpus() >= 1);
        if (cpu.physicalCores() != CpuInfo.UNKNOWN) {
            assertTrue(cpu.sockets() >= 1 && cpu.sockets() <= cpu.physicalCores() && cpu.physicalCores() <= cpu.logicalCpus(), cpu.toString());
        }
        assertEquals(FloatVector.SPECIES_PREFERRED.length() * Float.SIZE, cpu.vectorBits());
        for (NumaNode n : topo.numa().nodes()) {
            assertTrue(n.memFreeBytes() >= 0 && n.memFreeBytes() <= n.memTotalBytes(), n.toString());
        }
        for (HugePagePool p : topo.hugePages().pools()) {
            assertTrue(p.free() >= 0 && p.free() <= p.total(), p.toString());
            if (!p.perNode().isEmpty()) {
                assertEquals(p.total(), p.perNode().stream().mapToLong(HugePagePool.NodePages::total).sum(), p.toString());
            }
        }
    }

    @Test
    void jsonParsesWithTheRequiredKeys() throws Exception {
        JsonNode root = new ObjectMapper().readTree(TopoJson.text(topo));
        for (String key : List.of("cpu", "numa", "hugepages", "cuda")) assertTrue(root.has(key), key);
        assertTrue(root.path("numa").path("nodes").isArray() && !root.path("numa").path("nodes").isEmpty());
        JsonNode node = root.path("numa").path("nodes").get(0);
        for (String key : List.of("id", "cpus", "memTotalBytes", "memFreeBytes")) assertTrue(node.has(key), key);
        assertTrue(root.path("numa").path("balancing").isBoolean());
        assertTrue(root.path("hugepages").has("thp") && root.path("hugepages").path("pools").isArray());
        JsonNode cuda = root.path("cuda");
        assertTrue(cuda.path("available").isBoolean());
        if (!cuda.path("available").asBoolean()) assertTrue(!cuda.path("reason").asText().isBlank());
    }
}
