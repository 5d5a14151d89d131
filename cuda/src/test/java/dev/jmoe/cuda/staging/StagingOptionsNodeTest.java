package dev.jmoe.cuda.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmoe.host.numa.CpuAffinity;
import dev.jmoe.host.numa.MemPolicy;
import dev.jmoe.host.topo.NumaNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Copy-mode blocks prefer the GPU's NUMA node where sysfs names one and are filled from that node's CPUs; where it
 * names none they keep the thread's policy and unpinned fill threads.
 */
class StagingOptionsNodeTest {
    private static final StagingOptions BASE = new StagingOptions(PinMode.COPY, 1L << 30, false);

    @Test
    void aKnownNodeIsPreferredAndFilledFromItsCpus() {
        NumaNode node = new NumaNode(1, List.of(4, 5, 6), 1L << 34, 1L << 33, List.of(20, 10));
        StagingOptions near = BASE.nearNode(node);
        assertEquals(new MemPolicy.Policy(MemPolicy.Mode.PREFERRED, List.of(1)), near.blockPolicy());
        assertEquals(List.of(4, 5, 6), near.fillCpus());
    }

    @Test
    void thisMachinesNodeZeroIsFoundInItsTopology() {
        // Node 0 exists on every Linux machine; on a one-node machine (CI) it has every CPU this thread may use.
        StagingOptions near = BASE.nearNode(OptionalInt.of(0));
        assertEquals(new MemPolicy.Policy(MemPolicy.Mode.PREFERRED, List.of(0)), near.blockPolicy());
        assertFalse(near.fillCpus().isEmpty());
        if (!Files.exists(Path.of("/sys/devices/system/node/node1"))) {
            assertTrue(near.fillCpus().containsAll(CpuAffinity.currentThreadCpus()), near.fillCpus().toString());
        }
    }

    @Test
    void aNodeMissingHereIsStillPreferredButFilledUnpinned() {
        StagingOptions near = BASE.nearNode(OptionalInt.of(999));
        assertEquals(new MemPolicy.Policy(MemPolicy.Mode.PREFERRED, List.of(999)), near.blockPolicy());
        assertEquals(List.of(), near.fillCpus());
    }

    @Test
    void anUnknownNodeChangesNothing() {
        assertNull(BASE.blockPolicy());
        assertEquals(List.of(), BASE.fillCpus());
        assertEquals(BASE, BASE.nearNode(OptionalInt.empty()));
    }
}
