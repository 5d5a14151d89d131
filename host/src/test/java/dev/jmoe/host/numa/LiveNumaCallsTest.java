package dev.jmoe.host.numa;

import dev.jmoe.host.mem.Mman;
import dev.jmoe.host.topo.CpuList;
import dev.jmoe.host.topo.NumaNode;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The real syscalls on this (one-node) machine: policies round-trip, pages land on node 0, pinning shows in /proc. */
class LiveNumaCallsTest {
    private static final long LENGTH = 64 * 4096;

    @Test
    void threadPolicyReadsBackWhatWasSet() throws Exception {
        MemPolicy.Policy bind0 = new MemPolicy.Policy(MemPolicy.Mode.BIND, List.of(0));
        assertEquals(bind0, OwnThread.call(() -> {
            MemPolicy.setThreadPolicy(bind0);
            return MemPolicy.threadPolicy();
        }));
        MemPolicy.Policy interleave = new MemPolicy.Policy(MemPolicy.Mode.INTERLEAVE, List.of(0));
        assertEquals(interleave, OwnThread.call(() -> {
            MemPolicy.setThreadPolicy(interleave);
            return MemPolicy.threadPolicy();
        }));
        assertEquals(MemPolicy.Mode.DEFAULT, OwnThread.call(() -> {
            MemPolicy.setThreadPolicy(new MemPolicy.Policy(MemPolicy.Mode.DEFAULT, List.of()));
            return MemPolicy.threadPolicy().mode();
        }));
    }

    @Test
    void boundRangeIsOnNodeZeroOnceTouchedAndAbsentBefore() {
        long address = Mman.mmap(LENGTH, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        try {
            MemPolicy.Policy bind0 = new MemPolicy.Policy(MemPolicy.Mode.BIND, List.of(0));
            MemPolicy.mbind(address, LENGTH, bind0);
            assertEquals(bind0, MemPolicy.rangePolicy(address));
            assertEquals(Map.of(PageLocator.NOT_PRESENT, LENGTH), PageLocator.bytesByNode(address, LENGTH, 1024));
            MemorySegment s = MemorySegment.ofAddress(address).reinterpret(LENGTH);
            for (long i = 0; i < LENGTH; i += 4096) s.set(ValueLayout.JAVA_BYTE, i, (byte) 1);
            assertEquals(Map.of(0, LENGTH), PageLocator.bytesByNode(address, LENGTH, 1024));
            // Sampled: 8 of the 64 pages stand for all of them.
            assertEquals(Map.of(0, LENGTH), PageLocator.bytesByNode(address, LENGTH, 8));
            // Half touched: the first 32 pages present, sampled every other page.
            assertEquals(Map.of(0, LENGTH / 2, PageLocator.NOT_PRESENT, LENGTH / 2),
                    halfTouched(bind0));
        } finally {
            Mman.munmap(address, LENGTH);
        }
    }

    private static Map<Integer, Long> halfTouched(MemPolicy.Policy policy) {
        long address = Mman.mmap(LENGTH, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        try {
            MemPolicy.mbind(address, LENGTH, policy);
            MemorySegment s = MemorySegment.ofAddress(address).reinterpret(LENGTH);
            for (long i = 0; i < LENGTH / 2; i += 4096) s.set(ValueLayout.JAVA_BYTE, i, (byte) 1);
            return PageLocator.bytesByNode(address, LENGTH, 32);
        } finally {
            Mman.munmap(address, LENGTH);
        }
    }

    @Test
    void pinningShowsInProcTaskStatus() throws Exception {
        List<Integer> allowed = CpuAffinity.currentThreadCpus();
        int last = allowed.getLast();
        NumaNode node = new NumaNode(0, List.of(last), 0, 0, List.of());
        String seen = OwnThread.call(() -> {
            NodeWorkers.pinCurrentThread(node);
            int tid = CpuAffinity.currentThreadId();
            String status = Files.readString(Path.of("/proc/self/task/" + tid + "/status"));
            assertEquals(0, NodeWorkers.currentNode());
            assertEquals(last, CpuAffinity.currentCpu()); // the kernel moved us at once
            return status.lines().filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow();
        });
        assertEquals(List.of(last), CpuList.parse(seen.substring(seen.indexOf(':') + 1).strip()));
        assertEquals(allowed, CpuAffinity.currentThreadCpus()); // this thread is untouched
        assertEquals(-1, NodeWorkers.currentNode());
    }
}
