package dev.jmoe.host.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jmoe.host.numa.MemPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Staging blocks placed by a memory policy: the kernel reports the policy on the range (get_mempolicy), real syscalls. */
class AlignedMemoryPolicyTest {

    @Test
    void thePolicyIsOnTheRangeBeforeItsPagesExist() {
        MemPolicy.Policy preferNode0 = new MemPolicy.Policy(MemPolicy.Mode.PREFERRED, List.of(0));
        try (AlignedMemory m = AlignedMemory.allocate(4 << 20, preferNode0)) {
            assertEquals(preferNode0, MemPolicy.rangePolicy(m.address()));
            assertEquals(preferNode0, MemPolicy.rangePolicy(m.address() + m.length() - 4096), "the whole range");
            m.segment().fill((byte) 1);   // usable as before
        }
    }

    @Test
    void withoutAPolicyTheRangeKeepsTheThreadsDefault() {
        try (AlignedMemory m = AlignedMemory.allocate(2 << 20, null)) {
            assertEquals(MemPolicy.Mode.DEFAULT, MemPolicy.rangePolicy(m.address()).mode());
        }
    }
}
