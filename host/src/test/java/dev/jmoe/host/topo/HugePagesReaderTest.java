package dev.jmoe.host.topo;

import dev.jmoe.host.topo.HugePagePool.NodePages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HugePagesReaderTest {
    private static final long MIB_2 = 2L << 20;
    private static final long GIB_1 = 1L << 30;

    @Test
    void twoPoolsWithPagesOnBothNodes() {
        HugePages hp = new HugePagesReader(TopoFixtures.sys("two-node")).read();
        assertEquals(Optional.of("always"), hp.thp());
        assertEquals(List.of(
                new HugePagePool(MIB_2, 1024, 1012, List.of(new NodePages(0, 512, 500), new NodePages(1, 512, 512))),
                new HugePagePool(GIB_1, 8, 6, List.of(new NodePages(0, 4, 4), new NodePages(1, 4, 2)))),
                hp.pools());
        assertEquals(6 * GIB_1, hp.pool(GIB_1).orElseThrow().freeBytes());
    }

    @Test
    void reservedPagesAreReadAndNotAvailable(@TempDir Path root) throws IOException {
        TopoFixtures.write(root, "/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", "8\n");
        TopoFixtures.write(root, "/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages", "6\n");
        TopoFixtures.write(root, "/sys/kernel/mm/hugepages/hugepages-1048576kB/resv_hugepages", "5\n");
        HugePagePool pool = new HugePagesReader(new SysTree(root)).read().pool(GIB_1).orElseThrow();
        assertEquals(5, pool.reserved());
        assertEquals(1, pool.available());
        assertEquals(0, new HugePagePool(GIB_1, 8, 2, 5, List.of()).available(), "more reserved than free: none, not -3");
    }

    @Test
    void emptyPoolsOnOneNode() {
        HugePages hp = new HugePagesReader(TopoFixtures.sys("one-node")).read();
        assertEquals(Optional.of("madvise"), hp.thp());
        assertEquals(List.of(
                new HugePagePool(MIB_2, 0, 0, List.of(new NodePages(0, 0, 0))),
                new HugePagePool(GIB_1, 0, 0, List.of(new NodePages(0, 0, 0)))),
                hp.pools());
    }

    @Test
    void kernelWithoutThpOrHugetlbHasNeither() {
        HugePages hp = new HugePagesReader(TopoFixtures.sys("no-numa")).read();
        assertEquals(Optional.empty(), hp.thp());
        assertEquals(List.of(), hp.pools());
    }

    @Test
    void thpLineWithoutSelectionIsAnErrorNamingTheFile(@TempDir Path root) throws IOException {
        TopoFixtures.write(root, HugePagesReader.THP, "always madvise never\n");
        var e = assertThrows(TopologyFormatException.class, () -> new HugePagesReader(new SysTree(root)).read());
        assertTrue(e.getMessage().contains("transparent_hugepage/enabled: no [selected] mode"), e.getMessage());
    }

    @Test
    void nonNumericPageCountIsAnErrorNamingTheFile(@TempDir Path root) throws IOException {
        TopoFixtures.write(root, "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "lots\n");
        TopoFixtures.write(root, "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "0\n");
        var e = assertThrows(TopologyFormatException.class, () -> new HugePagesReader(new SysTree(root)).read());
        assertTrue(e.getMessage().contains("hugepages-2048kB/nr_hugepages: expected an integer, found 'lots'"), e.getMessage());
    }
}
