package dev.jmoe.cuda.staging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jmoe.host.numa.CpuAffinity;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pinned cache's fill copier: exact bytes over sizes around its part split, on threads where it was told. */
class SlabCopierTest {
    private static final long GUARD = 4096;

    @Test
    void copiesExactlyTheRangeWhateverItsSize() {
        long[] sizes = {0, 1, 63, 64, SlabCopier.PART_BYTES - 1, SlabCopier.PART_BYTES + 5, 9 * SlabCopier.PART_BYTES + 7};
        Random random = new Random(8);
        try (SlabCopier copier = new SlabCopier(List.of()); Arena arena = Arena.ofConfined()) {
            for (long size : sizes) {
                byte[] data = new byte[(int) size];
                random.nextBytes(data);
                MemorySegment from = arena.allocate(size + 1, 64);
                MemorySegment.copy(data, 0, from, ValueLayout.JAVA_BYTE, 0, data.length);
                // The target starts off cache-line alignment, between guard bytes that must stay untouched.
                MemorySegment to = arena.allocate(size + 2 * GUARD, 64);
                to.fill((byte) 0x5A);
                copier.copy(from.address(), to.address() + GUARD + 3, size);
                assertArrayEquals(data, to.asSlice(GUARD + 3, size).toArray(ValueLayout.JAVA_BYTE), "size " + size);
                for (long g = 0; g < GUARD + 3; g++) assertEquals((byte) 0x5A, to.get(ValueLayout.JAVA_BYTE, g), "before, size " + size);
                for (long g = GUARD + 3 + size; g < to.byteSize(); g++) assertEquals((byte) 0x5A, to.get(ValueLayout.JAVA_BYTE, g), "after, size " + size);
            }
        }
    }

    @Test
    void threadsRunOnTheCpusTheyWereGivenAtMostFourOfThem() {
        int cpu = CpuAffinity.currentThreadCpus().getFirst();
        try (SlabCopier one = new SlabCopier(List.of(cpu))) {
            assertEquals(1, one.threads());
            assertEquals(List.of(List.of(cpu)), one.onEachThread(CpuAffinity::currentThreadCpus));
        }
        List<Integer> many = List.of(cpu, cpu, cpu, cpu, cpu, cpu);   // six "CPUs": the count is capped, not the set
        try (SlabCopier capped = new SlabCopier(many)) {
            assertEquals(SlabCopier.MAX_THREADS, capped.threads());
            for (List<Integer> cpus : capped.onEachThread(CpuAffinity::currentThreadCpus)) assertEquals(List.of(cpu), cpus);
        }
    }

    @Test
    void unpinnedThreadsKeepTheProcessCpus() {
        List<Integer> mine = CpuAffinity.currentThreadCpus();
        try (SlabCopier copier = new SlabCopier(List.of())) {
            assertEquals(Math.clamp(Runtime.getRuntime().availableProcessors(), 1, SlabCopier.MAX_THREADS), copier.threads());
            for (List<Integer> cpus : copier.onEachThread(CpuAffinity::currentThreadCpus)) assertEquals(mine, cpus);
        }
    }
}
