package dev.jmoe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmoe.host.TestData;
import dev.jmoe.host.numa.NumaMode;
import dev.jmoe.host.numa.PlacementReport;
import dev.jmoe.host.topo.HostTopology;
import dev.jmoe.host.topo.SysTree;
import dev.jmoe.host.topo.TopoWarnings;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --numa} on the commands that load a model: run -v reports the placement, bench varies it, topo warns once. */
class NumaFlagTest {
    private static final String MODEL = TestData.model("qwen3moe-a-q4_k_m").toString();

    @Test
    void runVerbosePrintsThePlacementAtLoad() {
        // The log goes to the process's stderr (logback), not to the command's writer: catch it there.
        PrintStream saved = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        MainTest.Result r;
        try {
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            r = MainTest.jmoe("run", "-v", "-m", MODEL, "-p", "Hello", "-n", "1", "--temp", "0", "-t", "1", "--numa", "isolate");
        } finally {
            System.setErr(saved);
        }
        String text = log.toString(StandardCharsets.UTF_8);
        assertEquals(0, r.code(), r.err() + text);
        assertTrue(text.contains("Placement: numa isolate, 1 replica(s)"), text);
        for (String cls : new String[] {"experts ", "weights ", "kv cache", "scratch "}) {
            assertTrue(text.contains(cls + "  replica 0: node 0 "), cls + " in\n" + text);
        }
        assertTrue(text.contains("isolate: tensors and kv cache on node 0"), text);
    }

    @Test
    void benchVariesTheNumaMode() throws Exception {
        MainTest.Result r = MainTest.jmoe("bench", "-m", MODEL, "-p", "8", "-n", "0", "-r", "1", "-t", "1", "--numa", "off,isolate", "-o", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(2, json.size());
        assertEquals("off", json.get(0).get("numa").asText());
        assertEquals("isolate", json.get(1).get("numa").asText());
        MainTest.Result bad = MainTest.jmoe("bench", "-m", MODEL, "--numa", "off,sideways");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("unknown --numa mode 'sideways'"), bad.err());
    }

    @Test
    void topoSaysNumaBalancingOnceBesideThePlacement() throws Exception {
        // The two-node fixture has numa_balancing on: the machine's warnings and the placement's meet here.
        var uri = NumaFlagTest.class.getResource("/topo/two-node").toURI();   // in host's test jar (or its classes)
        HostTopology topo;
        if (uri.getScheme().equals("jar")) {
            try (var jar = java.nio.file.FileSystems.newFileSystem(uri, java.util.Map.of())) {
                topo = HostTopology.read(new SysTree(jar.getPath("/topo/two-node")), Optional::empty, 256);
            }
        } else {
            topo = HostTopology.read(new SysTree(Path.of(uri)), Optional::empty, 256);
        }
        assertTrue(topo.numa().balancing());
        PlacementReport report = new PlacementReport(NumaMode.DISTRIBUTE, 1, List.of(), List.of(), List.of(TopoWarnings.numaBalancing()));
        String text = TopoCommand.text(topo, report);
        assertEquals(1, text.split("warning: kernel.numa_balancing is on", -1).length - 1, text);
        assertTrue(text.contains("Placement: numa distribute"), text);
    }
}
