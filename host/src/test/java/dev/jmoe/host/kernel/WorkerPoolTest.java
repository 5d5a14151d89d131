package dev.jmoe.host.kernel;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WorkerPoolTest {

    @Test
    void everyWorkerRunsEachJobOnceAndTheCallerIsHookedAsTheLast() {
        int[] starts = new int[3];
        String[] hookedOn = new String[3];
        try (WorkerPool pool = new WorkerPool(3, "test", i -> {
            starts[i]++;
            hookedOn[i] = Thread.currentThread().getName();
        })) {
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
                assertEquals(Thread.currentThread().getName(), seen.get(2));
            }
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 1, 1}, starts, "each start hook ran once");
        org.junit.jupiter.api.Assertions.assertArrayEquals(new String[] {"test-0", "test-1", Thread.currentThread().getName()}, hookedOn);
    }

    @Test
    void withoutAStartHookTheCallerIsTheLastWorker() {
        try (WorkerPool pool = new WorkerPool(3, "test")) {
            assertEquals(3, pool.workers());
            for (int job = 0; job < 200; job++) {
                ConcurrentHashMap<Integer, String> seen = new ConcurrentHashMap<>();
                pool.run((worker, workers) -> {
                    assertEquals(3, workers);
                    seen.put(worker, Thread.currentThread().getName());
                });
                assertEquals(java.util.Set.of(0, 1, 2), seen.keySet());
                assertEquals("test-0", seen.get(0));
                assertEquals("test-1", seen.get(1));
                assertEquals(Thread.currentThread().getName(), seen.get(2), "the caller ran worker 2's share");
            }
        }
    }

    @Test
    void aPoolOfOneRunsTheJobOnTheCaller() {
        try (WorkerPool pool = new WorkerPool(1, "test")) {
            Thread[] ran = new Thread[1];
            pool.run((worker, workers) -> ran[0] = Thread.currentThread());
            assertEquals(Thread.currentThread(), ran[0]);
        }
    }

    @Test
    void aFailingCallerShareFailsTheJobAfterTheOthersFinish() {
        try (WorkerPool pool = new WorkerPool(2, "test")) {
            AtomicInteger done = new AtomicInteger();
            var e = assertThrows(IllegalArgumentException.class, () -> pool.run((w, n) -> {
                if (w == 1) throw new IllegalArgumentException("caller boom");
                done.incrementAndGet();
            }));
            assertEquals("caller boom", e.getMessage());
            assertEquals(1, done.get(), "worker 0 finished before run returned");
        }
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
    void anotherCallingThreadIsHookedBeforeItsFirstJob() throws Exception {
        java.util.List<String> hooked = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try (WorkerPool pool = new WorkerPool(2, "test", i -> { if (i == 1) hooked.add(Thread.currentThread().getName()); })) {
            pool.run((w, n) -> {});
            pool.run((w, n) -> {});
            Thread other = Thread.ofPlatform().name("other-caller").start(() -> pool.run((w, n) -> {}));
            other.join();
            assertEquals(java.util.List.of(Thread.currentThread().getName(), "other-caller"), hooked);
        }
    }

    @Test
    void aFailedStartHookIsReportedInsteadOfHanging() {
        try (WorkerPool pool = new WorkerPool(2, "test", i -> {
            if (i == 1) throw new IllegalStateException("no such cpu");
        })) {
            var e = assertThrows(IllegalStateException.class, () -> pool.run((w, n) -> {}));
            assertEquals("no such cpu", e.getCause().getMessage());
        }
    }

    @Test
    void aJobCannotRunAJobOnItsOwnPool() {
        for (int workers : new int[] {1, 2}) {
            try (WorkerPool pool = new WorkerPool(workers, "test")) {
                var e = assertThrows(IllegalStateException.class, () -> pool.run((w, n) -> pool.run((w2, n2) -> {})));
                assertEquals("a worker pool job cannot run a job on its own pool", e.getMessage());
                AtomicInteger calls = new AtomicInteger();
                pool.run((w, n) -> calls.incrementAndGet());
                assertEquals(workers, calls.get(), "the pool still runs jobs");
            }
        }
    }

    @Test
    void closedPoolRefusesJobs() {
        WorkerPool pool = new WorkerPool(1, "test");
        pool.close();
        assertThrows(IllegalStateException.class, () -> pool.run((w, n) -> {}));
    }
}
