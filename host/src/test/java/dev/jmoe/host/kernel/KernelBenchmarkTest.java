package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelBenchmarkTest {
    /**
     * Types the warm-up marks warm for the whole test JVM ({@link KernelWarmUp} warms a type once a process), so
     * not those {@code KernelWarmUpTest} counts the dots of.
     */
    private static KernelBenchmark.Settings small(long warmUpMillis) {
        return new KernelBenchmark.Settings(List.of(GgmlType.Q4_1, GgmlType.Q5_1), 1, 1 << 20, 256, 1 << 20,
                List.of(2), 1, warmUpMillis);
    }

    @Test
    void everyTypeIsWarmedUpTogetherBeforeAnythingIsTimed() {
        List<String> progress = new ArrayList<>();
        KernelBenchmark.Report r = KernelBenchmark.run(small(1), progress::add);
        assertEquals("warming up the kernels of [Q4_1, Q5_1]", progress.get(0), progress.toString());
        assertTrue(progress.get(1).startsWith("read bandwidth"), progress.toString());
        assertEquals(2, r.types().size());
        assertEquals(GgmlType.Q5_1, r.types().get(1).type());
    }

    @Test
    void noWarmUpAtZeroMilliseconds() {
        List<String> progress = new ArrayList<>();
        KernelBenchmark.run(small(0), progress::add);
        assertTrue(progress.get(0).startsWith("read bandwidth"), progress.toString());
        assertTrue(progress.stream().noneMatch(line -> line.startsWith("warming up")), progress.toString());
    }
}
