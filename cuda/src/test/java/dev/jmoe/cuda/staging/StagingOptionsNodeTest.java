package dev.jmoe.cuda.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jmoe.host.numa.MemPolicy;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Copy-mode blocks prefer the GPU's NUMA node where sysfs names one, and keep the thread's policy where it does not. */
class StagingOptionsNodeTest {

    @Test
    void aKnownNodeIsPreferredAndAnUnknownOneChangesNothing() {
        StagingOptions base = new StagingOptions(PinMode.COPY, 1L << 30, false);
        assertNull(base.blockPolicy());
        assertEquals(new MemPolicy.Policy(MemPolicy.Mode.PREFERRED, List.of(1)), base.nearNode(OptionalInt.of(1)).blockPolicy());
        assertEquals(base, base.nearNode(OptionalInt.empty()));
    }
}
