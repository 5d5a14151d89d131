package dev.jmoe.host.topo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PciLinkReaderTest {
    private final PciLinkReader reader = new PciLinkReader(TopoFixtures.sys("two-node"));

    @Test
    void gen4X16GpuOnNodeOne() {
        PciLink link = reader.read("0000:17:00.0").orElseThrow();
        assertEquals("0000:17:00.0", link.busId());
        assertEquals(1, link.numaNode());
        assertEquals(new PciLink.LinkState(16.0, Optional.of(PcieGeneration.GEN4), 16), link.current());
        assertEquals(new PciLink.LinkState(16.0, Optional.of(PcieGeneration.GEN4), 16), link.max());
    }

    @Test
    void cudaSpellingOfTheBusIdFindsTheSysfsDirectory() {
        PciLink link = reader.read("00000000:CA:00.0").orElseThrow();
        assertEquals("0000:ca:00.0", link.busId());
        assertTrue(link.node().isEmpty(), "numa_node -1 means unknown");
        assertEquals(new PciLink.LinkState(2.5, Optional.of(PcieGeneration.GEN1), 8), link.current());
        assertEquals(new PciLink.LinkState(32.0, Optional.of(PcieGeneration.GEN5), 16), link.max());
    }

    @Test
    void busIdSpellings() {
        assertEquals(Optional.of("0000:17:00.0"), PciLinkReader.sysfsBusId("17:00.0"));
        assertEquals(Optional.of("0001:3b:00.1"), PciLinkReader.sysfsBusId("00000001:3B:00.1"));
        assertEquals(Optional.empty(), PciLinkReader.sysfsBusId("../../../etc"));
        assertEquals(Optional.empty(), PciLinkReader.sysfsBusId("0000:17:00.9"));
    }

    @Test
    void theGpusNodeForStagingIsKnownOnlyWhereSysfsSaysIt() {
        assertEquals(java.util.OptionalInt.of(1), reader.numaNode("00000000:17:00.0"));
        assertTrue(reader.numaNode("0000:ca:00.0").isEmpty(), "numa_node -1");
        assertTrue(reader.numaNode("0000:99:00.0").isEmpty(), "no such device");
    }

    @Test
    void deviceMissingFromSysfsHasNoLink() {
        assertEquals(Optional.empty(), reader.read("0000:99:00.0"));
    }

    @Test
    void unknownSpeedAndMissingFilesAreUnknownNotErrors(@TempDir Path root) throws IOException {
        TopoFixtures.write(root, PciLinkReader.DEVICES + "/0000:01:00.0/current_link_speed", "Unknown\n");
        TopoFixtures.write(root, PciLinkReader.DEVICES + "/0000:01:00.0/current_link_width", "0\n");
        PciLink link = new PciLinkReader(new SysTree(root)).read("0000:01:00.0").orElseThrow();
        assertEquals(PciLink.LinkState.UNKNOWN, link.current());
        assertEquals(PciLink.LinkState.UNKNOWN, link.max());
        assertEquals(-1, link.numaNode());
        assertEquals(Optional.empty(), link.max().bytesPerSecond());
    }

    @Test
    void olderKernelsPrintTheRateWithoutThePcieSuffix(@TempDir Path root) throws IOException {
        TopoFixtures.write(root, PciLinkReader.DEVICES + "/0000:01:00.0/max_link_speed", "8 GT/s\n");
        TopoFixtures.write(root, PciLinkReader.DEVICES + "/0000:01:00.0/max_link_width", "16\n");
        PciLink link = new PciLinkReader(new SysTree(root)).read("0000:01:00.0").orElseThrow();
        assertEquals(new PciLink.LinkState(8.0, Optional.of(PcieGeneration.GEN3), 16), link.max());
    }
}
