package dev.jmoe.host.topo;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopoWarningsTest {

    @Test
    void quietMachineHasNoWarnings() {
        assertEquals(List.of(), TopoWarnings.of(HostTopology.read(TopoFixtures.sys("one-node"), Optional::empty, 256)));
    }

    @Test
    void balancingAndANarrowLinkAreWarned() {
        List<String> warnings = TopoWarnings.of(TopoFixtures.twoNode());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("kernel.numa_balancing is on"), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("GPU 1 (0000:ca:00.0) runs x8 of its x16"), warnings.get(1));
    }

    @Test
    void avx2CpuWithNarrowVectorApiIsWarned() {
        HostTopology topo = HostTopology.read(TopoFixtures.sys("one-node"), Optional::empty, 128);
        List<String> warnings = TopoWarnings.of(topo);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains("prefers 128-bit vectors"), warnings.getFirst());
    }

    @Test
    void neonMachineWith128BitVectorsIsNotWarned() {
        CpuInfo neon = new CpuInfo("unknown", 4, 4, 1, Set.of(), 128);
        HostTopology noNuma = HostTopology.read(TopoFixtures.sys("no-numa"), Optional::empty, 128);
        assertEquals(List.of(), TopoWarnings.of(new HostTopology(neon, noNuma.numa(), noNuma.hugePages(), noNuma.cuda())));
    }
}
