package dev.jmoe.host.topo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopoJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void twoNodeMachineAsJson() throws Exception {
        JsonNode root = JSON.readTree(TopoJson.text(TopoFixtures.twoNode()));

        JsonNode cpu = root.path("cpu");
        assertEquals("Intel(R) Xeon(R) Gold 6434", cpu.path("model").asText());
        assertEquals(16, cpu.path("logicalCpus").asInt());
        assertEquals(8, cpu.path("physicalCores").asInt());
        assertEquals(2, cpu.path("sockets").asInt());
        assertTrue(cpu.path("features").path("avx512_vnni").asBoolean());
        assertTrue(cpu.path("features").path("amx_int8").asBoolean());
        assertEquals(512, cpu.path("vectorBits").asInt());

        JsonNode numa = root.path("numa");
        assertTrue(numa.path("balancing").isBoolean() && numa.path("balancing").asBoolean());
        JsonNode node1 = numa.path("nodes").get(1);
        assertEquals(1, node1.path("id").asInt());
        assertEquals(List.of(4, 5, 6, 7, 12, 13, 14, 15), ints(node1.path("cpus")));
        assertEquals(65_536_000L * 1024, node1.path("memTotalBytes").asLong());
        assertEquals(61_000_000L * 1024, node1.path("memFreeBytes").asLong());
        assertEquals(List.of(21, 10), ints(node1.path("distances")));

        JsonNode hp = root.path("hugepages");
        assertEquals("always", hp.path("thp").asText());
        JsonNode gib = hp.path("pools").get(1);
        assertEquals(1L << 30, gib.path("pageBytes").asLong());
        assertEquals(8, gib.path("total").asLong());
        assertEquals(6, gib.path("free").asLong());
        assertEquals(2, gib.path("perNode").get(1).path("free").asLong());

        JsonNode cuda = root.path("cuda");
        assertTrue(cuda.path("available").asBoolean());
        JsonNode h100 = cuda.path("devices").get(0);
        assertEquals("9.0", h100.path("computeCapability").asText());
        assertEquals(1, h100.path("pcie").path("numaNode").asInt());
        assertEquals(4, h100.path("pcie").path("current").path("generation").asInt());
        assertEquals(16, h100.path("pcie").path("max").path("width").asInt());
        JsonNode l40s = cuda.path("devices").get(1).path("pcie");
        assertTrue(l40s.path("numaNode").isNull(), "numa_node -1 is written as null");
        assertEquals(1, l40s.path("current").path("generation").asInt());
        assertEquals(5, l40s.path("max").path("generation").asInt());

        assertEquals(2, root.path("warnings").size());
    }

    @Test
    void unavailableCudaCarriesItsReason() throws Exception {
        JsonNode root = JSON.readTree(TopoJson.text(HostTopology.read(TopoFixtures.sys("one-node"), Optional::empty, 256)));
        assertFalse(root.path("cuda").path("available").asBoolean());
        assertEquals("CUDA backend not on the class path", root.path("cuda").path("reason").asText());
        assertFalse(root.path("numa").path("balancing").asBoolean());
        assertEquals(1, root.path("numa").path("nodes").size());
        assertEquals("madvise", root.path("hugepages").path("thp").asText());
        assertFalse(root.path("cpu").path("features").path("avx512f").asBoolean());
        assertEquals(0, root.path("warnings").size());
    }

    @Test
    void absentThpIsNull() throws Exception {
        JsonNode root = JSON.readTree(TopoJson.text(HostTopology.read(TopoFixtures.sys("no-numa"), Optional::empty, 128)));
        assertTrue(root.path("hugepages").path("thp").isNull());
        assertEquals(0, root.path("hugepages").path("pools").size());
    }

    private static List<Integer> ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asInt).toList();
    }
}
