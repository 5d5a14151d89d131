package dev.jmoe.host.mem;

import dev.jmoe.host.topo.SysTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class HugePageFallbackTest {
    @TempDir
    Path dir;

    /** free_hugepages of the real pool, read here independently of HugePageAvailability. */
    private static long realFreePages(String poolName) throws IOException {
        Path f = Path.of("/sys/kernel/mm/hugepages", poolName, "free_hugepages");
        return Files.exists(f) ? Long.parseLong(Files.readString(f).trim()) : 0;
    }

    private static boolean thpUsable() throws IOException {
        String enabled = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
        return enabled.contains("[always]") || enabled.contains("[madvise]");
    }

    @Test
    void oneGigFallsBackThroughTwoMegToThpWhenPoolsAreEmpty() throws IOException {
        assumeTrue(realFreePages("hugepages-1048576kB") == 0 && realFreePages("hugepages-2048kB") == 0,
                "hugetlb pools are not empty here; the fallback path is not taken");
        Path file = TestFiles.random(dir, 3 * ByteSize.MIB, 21);
        try (ModelMemory m = ModelMemory.load(file, 5, 3 * ByteSize.MIB - 5,
                LoadOptions.defaults().withHugePages(HugePageMode.GB1))) {
            List<String> f = m.report().fallbacks();
            assertEquals("1g: pool has 0 free pages, needs 1 (1.0 GiB short); falling back to 2m", f.get(0));
            assertEquals("2m: pool has 0 free pages, needs 2 (4.0 MiB short); falling back to thp", f.get(1));
            assertEquals(thpUsable() ? LoadMode.THP : LoadMode.ANON_4K, m.mode());
            assertEquals(thpUsable() ? 2 : 3, f.size(), f.toString());
            assertTrue(m.report().fellBack());
            ModelMemoryTest.assertRegionEquals(file, 5, (int) (3 * ByteSize.MIB - 5), m.segment());
        }
    }

    @Test
    void twoMegFallsBackWithTheShortfallInTheReport() throws IOException {
        assumeTrue(realFreePages("hugepages-2048kB") == 0, "2 MiB pool is not empty here");
        Path file = TestFiles.random(dir, 5 * ByteSize.MIB, 22);
        try (ModelMemory m = ModelMemory.load(file, 0, 5 * ByteSize.MIB,
                LoadOptions.defaults().withHugePages(HugePageMode.MB2))) {
            assertEquals("2m: pool has 0 free pages, needs 3 (6.0 MiB short); falling back to thp",
                    m.report().fallbacks().getFirst());
            assertTrue(m.report().summary().contains("1 fallback(s)") || !thpUsable(), m.report().summary());
        }
    }

    @Test
    void thpSucceedsAndTheKernelMarksTheRange() throws IOException {
        assumeTrue(thpUsable(), "THP is 'never' here");
        Path file = TestFiles.random(dir, 4 * ByteSize.MIB, 23);
        try (ModelMemory m = ModelMemory.load(file, 0, 4 * ByteSize.MIB,
                LoadOptions.defaults().withHugePages(HugePageMode.THP))) {
            assertEquals(LoadMode.THP, m.mode());
            assertTrue(m.report().fallbacks().isEmpty());
            // "hg" in VmFlags: the kernel recorded MADV_HUGEPAGE on this mapping.
            Optional<String> flags = ProcSelf.vmFlags(m.address());
            assertTrue(flags.orElse("").contains("hg"), "VmFlags: " + flags);
        }
    }

    /** Runs where a pool was reserved (scripts/hugepages.sh reserve 2m 4 / reserve 1g 1); skipped otherwise. */
    @Test
    void reservedPoolsAreUsedWithoutFallback() throws IOException {
        Path file = TestFiles.random(dir, 3 * ByteSize.MIB, 24);
        boolean ran = false;
        for (HugePageMode kind : new HugePageMode[]{HugePageMode.MB2, HugePageMode.GB1}) {
            String pool = "hugepages-" + kind.pageBytes() / 1024 + "kB";
            if (realFreePages(pool) < HugePageAvailability.pagesFor(kind, 3 * ByteSize.MIB)) {
                continue;
            }
            ran = true;
            try (ModelMemory m = ModelMemory.load(file, 1, 3 * ByteSize.MIB - 1, LoadOptions.defaults().withHugePages(kind))) {
                assertEquals(kind.mode(), m.mode(), m.report().summary());
                assertTrue(m.report().fallbacks().isEmpty());
                assertTrue(m.isAligned(kind.pageBytes()));
                assertTrue(ProcSelf.vmFlags(m.address()).orElse("").contains("ht"), "not a hugetlb mapping");
                ModelMemoryTest.assertRegionEquals(file, 1, (int) (3 * ByteSize.MIB - 1), m.segment());
            }
        }
        assumeTrue(ran, "no hugetlb pool reserved here");
    }

    @Test
    void enomemFromMmapAlsoFallsBack() throws IOException {
        assumeTrue(realFreePages("hugepages-2048kB") == 0, "2 MiB pool is not empty here");
        // A fake sysfs that claims plenty of free pages, so the real mmap is tried and fails.
        Path pool = Files.createDirectories(dir.resolve("sys/kernel/mm/hugepages/hugepages-2048kB"));
        Files.writeString(pool.resolve("nr_hugepages"), "1000\n");
        Files.writeString(pool.resolve("free_hugepages"), "1000\n");
        Files.writeString(pool.resolve("resv_hugepages"), "0\n");
        AnonymousMemory anonymous = new AnonymousMemory(new HugePageAvailability(new SysTree(dir)), "madvise");
        List<String> fallbacks = new ArrayList<>();
        AnonymousMemory.Allocation a = anonymous.allocate(ByteSize.MIB, HugePageMode.MB2, fallbacks);
        try (NativeMapping ignored = a.mapping()) {
            assertEquals(LoadMode.THP, a.mode());
            assertTrue(fallbacks.getFirst().startsWith("2m: mmap(") && fallbacks.getFirst().contains("ENOMEM"),
                    fallbacks.toString());
        }
    }

    @Test
    void thpNeverFallsBackToSmallPages() {
        AnonymousMemory anonymous = new AnonymousMemory(new HugePageAvailability(new SysTree(dir)), "never");
        List<String> fallbacks = new ArrayList<>();
        AnonymousMemory.Allocation a = anonymous.allocate(ByteSize.MIB, HugePageMode.THP, fallbacks);
        try (NativeMapping ignored = a.mapping()) {
            assertEquals(LoadMode.ANON_4K, a.mode());
            assertEquals(List.of("thp: transparent_hugepage/enabled is 'never', the kernel will not use huge pages;"
                    + " falling back to 4 KiB pages"), fallbacks);
        }
    }

    @Test
    void shortfallCountsReservedPagesAsTaken() throws IOException {
        Path pool = Files.createDirectories(dir.resolve("sys/kernel/mm/hugepages/hugepages-1048576kB"));
        Files.writeString(pool.resolve("nr_hugepages"), "4\n");
        Files.writeString(pool.resolve("free_hugepages"), "2\n");
        Files.writeString(pool.resolve("resv_hugepages"), "1\n");
        HugePageAvailability pools = new HugePageAvailability(new SysTree(dir));
        assertEquals(Optional.of(1L), pools.availablePages(HugePageMode.GB1));
        assertEquals(Optional.of("1g: pool has 1 free pages, needs 3 (2.0 GiB short)"),
                pools.shortfall(HugePageMode.GB1, 2 * ByteSize.GIB + 1));
        assertEquals(Optional.empty(), pools.shortfall(HugePageMode.GB1, ByteSize.GIB));
        assertEquals(Optional.of("2m: no hugepages-2048kB pool on this kernel"), pools.shortfall(HugePageMode.MB2, 1));
        Files.writeString(pool.resolve("free_hugepages"), "garbage\n");
        String unreadable = pools.shortfall(HugePageMode.GB1, 1).orElseThrow();
        assertTrue(unreadable.startsWith("1g: ") && unreadable.contains("free_hugepages") && unreadable.contains("'garbage'"), unreadable);
    }

    @Test
    void cliSpellingsParse() {
        assertEquals(HugePageMode.GB1, HugePageMode.parse("1G"));
        assertEquals(HugePageMode.MB2, HugePageMode.parse("2m"));
        assertEquals(HugePageMode.THP, HugePageMode.parse("thp"));
        assertEquals(HugePageMode.OFF, HugePageMode.parse("off"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> HugePageMode.parse("4k"));
        assertTrue(e.getMessage().contains("'4k'") && e.getMessage().contains("off, thp, 2m, 1g"));
    }
}
