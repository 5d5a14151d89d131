package dev.jmoe.host.kernel;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WorkerPoolTest {

    @Test
    void everyWorkerRunsEachJobOnceOnItsOwnThread() {
        int[] starts = new int[3];
        try (WorkerPool pool = new WorkerPool(3, "test", i -> starts[i]++)) {
            for (int job = 0; job < 200; job++) {
                ConcurrentHashMap<Integer, String> seen = new ConcurrentHashMap<>();
                AtomicInteger calls = new AtomicInteger();
                pool.run((worker, workers) -> {
                    assertEquals(3, workers);
                    calls.incrementAndGet();
                    seen.put(worker, Thread.currentThread().getName());
                });
                assertEquals(3, calls.get());
                assertEquals(3, seen.size());
                assertEquals("test-1", seen.get(1));
            }
        }
        assertEquals(1, starts[0] + starts[1] + starts[2] - 2);
    }

    @Test
    void aFailingWorkerFailsTheJobAndThePoolStaysUsable() {
        try (WorkerPool pool = new WorkerPool(2, "test")) {
            var e = assertThrows(IllegalArgumentException.class, () -> pool.run((w, n) -> {
                if (w == 1) throw new IllegalArgumentException("boom");
            }));
            assertEquals("boom", e.getMessage());
            AtomicInteger calls = new AtomicInteger();
            pool.run((w, n) -> calls.incrementAndGet());
            assertEquals(2, calls.get());
        }
    }

    @Test
    void closedPoolRefusesJobs() {
        WorkerPool pool = new WorkerPool(1, "test");
        pool.close();
        assertThrows(IllegalStateException.class, () -> pool.run((w, n) -> {}));
    }
}
