package dev.jmoe.host.topo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import static dev.jmoe.host.topo.IsaFeature.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuInfoReaderTest {

    @Test
    void twoSocketsWithHyperthreadsCountCoresAsSocketCorePairs() {
        CpuInfo cpu = new CpuInfoReader(TopoFixtures.sys("two-node")).read(512);
        assertEquals("Intel(R) Xeon(R) Gold 6434", cpu.model());
        assertEquals(16, cpu.logicalCpus());
        // core ids 0-3 repeat on both sockets: 8 cores, not 4
        assertEquals(8, cpu.physicalCores());
        assertEquals(2, cpu.sockets());
        assertTrue(cpu.smt());
        assertEquals(EnumSet.allOf(IsaFeature.class), EnumSet.copyOf(cpu.features()));
        assertEquals(512, cpu.vectorBits());
    }

    @Test
    void avx2DesktopHasNoAvx512() {
        CpuInfo cpu = new CpuInfoReader(TopoFixtures.sys("one-node")).read(256);
        assertEquals("Intel(R) Core(TM) i5-6500 CPU @ 3.20GHz", cpu.model());
        assertEquals(4, cpu.logicalCpus());
        assertEquals(4, cpu.physicalCores());
        assertEquals(1, cpu.sockets());
        assertFalse(cpu.smt());
        assertEquals(Set.of(AVX2, FMA, F16C), cpu.features());
    }

    @Test
    void withoutPackageIdsInCpuinfoTheSysfsTopologyCounts() {
        CpuInfo cpu = new CpuInfoReader(TopoFixtures.sys("no-numa")).read(128);
        assertEquals("unknown", cpu.model());
        assertEquals(4, cpu.logicalCpus());
        assertEquals(4, cpu.physicalCores());
        assertEquals(1, cpu.sockets());
        assertEquals(Set.of(), cpu.features());
    }

    @Test
    void withNeitherSourceCoresAreUnknown(@TempDir Path root) throws IOException {
        TopoFixtures.write(root, "/proc/cpuinfo", "processor\t: 0\nflags\t\t: avx2\n\nprocessor\t: 1\nflags\t\t: avx2\n");
        CpuInfo cpu = new CpuInfoReader(new SysTree(root)).read(256);
        assertEquals(2, cpu.logicalCpus());
        assertEquals(CpuInfo.UNKNOWN, cpu.physicalCores());
        assertEquals(CpuInfo.UNKNOWN, cpu.sockets());
        assertFalse(cpu.smt());
        assertEquals(Set.of(AVX2), cpu.features());
    }

    @Test
    void cpuinfoWithoutProcessorsIsAnErrorNamingTheFile(@TempDir Path root) throws IOException {
        TopoFixtures.write(root, "/proc/cpuinfo", "garbage\n");
        var e = assertThrows(TopologyFormatException.class, () -> new CpuInfoReader(new SysTree(root)).read(256));
        assertTrue(e.getMessage().contains("cpuinfo") && e.getMessage().contains("no 'processor'"), e.getMessage());
    }

    @Test
    void missingCpuinfoIsAnErrorNamingTheFile(@TempDir Path root) {
        var e = assertThrows(TopologyFormatException.class, () -> new CpuInfoReader(new SysTree(root)).read(256));
        assertTrue(e.getMessage().contains("proc/cpuinfo: file not found"), e.getMessage());
    }
}
