package dev.jmoe.host.numa;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Policy-placed memory (the KV cache's) and the Java heap's range, with the real syscalls of this one-node machine. */
class PolicyMemoryTest {
    @Test
    void memoryCarriesItsPolicyAndEveryPageExistsZeroed() {
        MemPolicy.Policy interleave = new MemPolicy.Policy(MemPolicy.Mode.INTERLEAVE, List.of(0));
        long bytes = 10 * 4096 + 3;
        MemorySegment s = PolicyMemory.allocate(bytes, interleave, "test memory");
        assertEquals(bytes, s.byteSize());
        assertEquals(interleave, MemPolicy.rangePolicy(s.address()));
        // Written at allocation: present before anyone touches it, so a report needs no touching.
        assertEquals(Map.of(0, bytes), PageLocator.bytesByNode(s.address(), bytes, 1024));
        assertTrue(s.elements(ValueLayout.JAVA_BYTE).allMatch(b -> b.get(ValueLayout.JAVA_BYTE, 0) == 0));
    }

    @Test
    void threadPolicyMeansNoPolicyOnTheRange() {
        MemorySegment s = PolicyMemory.allocate(4096, PlacementPlan.THREAD_POLICY, "test memory");
        assertEquals(MemPolicy.Mode.DEFAULT, MemPolicy.rangePolicy(s.address()).mode());
    }

    @Test
    void moreThanMemAvailableIsRefusedWithTheFigures() {
        var e = assertThrows(NumaPlacementException.class, () -> PolicyMemory.allocate(1L << 50, PlacementPlan.THREAD_POLICY, "the kv cache of 9 positions"));
        assertTrue(e.getMessage().startsWith("the kv cache of 9 positions needs 1.0 PiB but only ")
                && e.getMessage().endsWith(" of memory is available (MemAvailable)"), e.getMessage());
    }

    @Test
    void heapRangeIsReadFromEachCollectorsReport() {
        String g1 = """
                 garbage-first heap   total reserved 6172672K, committed 393216K, used 24322K [0x0000000687400000, 0x0000000800000000)
                  region size 4096K, 6 young (24576K), 1 survivors (4096K)
                """;
        assertArrayEquals(new long[] {0x687400000L, 0x800000000L}, JavaHeap.parse(g1).orElseThrow());
        String parallel = """
                PSYoungGen      total 113152K, used 39195K [0x0000000782700000, 0x000000078a500000, 0x0000000800000000)
                 eden space 97280K, 40% used [0x0000000782700000,0x0000000784d46c28,0x0000000788600000)
                ParOldGen       total 258048K, used 1166K [0x0000000687400000, 0x0000000697000000, 0x0000000782700000)
                 object space 258048K, 0% used [0x0000000687400000,0x0000000687523ab8,0x0000000697000000)
                """;
        assertArrayEquals(new long[] {0x687400000L, 0x800000000L}, JavaHeap.parse(parallel).orElseThrow());
        assertTrue(JavaHeap.parse(" ZHeap           used 8M, capacity 512M, max capacity 4096M\n").isEmpty());
    }

    @Test
    void thisJvmsHeapHasPresentPagesOnNodeZero() {
        long[] range = JavaHeap.range().orElseThrow(() -> new AssertionError("the test JVM's collector names its heap range"));
        assertTrue(range[1] - range[0] >= Runtime.getRuntime().totalMemory(), "the reserved range holds the committed heap");
        Map<Integer, Long> present = PageLocator.presentBytesByNode(range[0], range[1] - range[0]);
        assertEquals(List.of(0), List.copyOf(present.keySet()));
        assertTrue(present.get(0) > 0);
    }
}
