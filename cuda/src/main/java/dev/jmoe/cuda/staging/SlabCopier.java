package dev.jmoe.cuda.staging;

import dev.jmoe.host.mem.ByteSize;
import dev.jmoe.host.numa.CpuAffinity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The copy-mode cache's fills: host memory copied by a few threads pinned to the CPUs of the GPU's NUMA node, so
 * the pinned blocks (whose pages that node holds) are written by its own cores, and one fill runs at several
 * threads' copy rate rather than one. Where the node is not known the threads are not pinned. A copy is split into
 * one part per thread (at least {@link #PART_BYTES} each) and returns when every part is done.
 */
final class SlabCopier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlabCopier.class);
    /** A node's memory bandwidth is reached with a few copying threads; more only take cores from the engine. */
    static final int MAX_THREADS = 4;
    /** Parts smaller than this cost more to hand over than a thread saves on them. */
    static final long PART_BYTES = ByteSize.MIB;

    private final ExecutorService threads;
    private final int count;

    /** Threads pinned to {@code cpus} (none pinned when empty): as many as there are of them, at most {@link #MAX_THREADS}. */
    SlabCopier(List<Integer> cpus) {
        int available = cpus.isEmpty() ? Runtime.getRuntime().availableProcessors() : cpus.size();
        this.count = Math.clamp(available, 1, MAX_THREADS);
        List<Integer> pin = List.copyOf(cpus);
        AtomicBoolean warned = new AtomicBoolean();
        var names = Thread.ofPlatform().daemon().name("jmoe-pin-fill-", 0).factory();
        this.threads = Executors.newFixedThreadPool(count, job -> names.newThread(() -> {
            if (!pin.isEmpty()) {
                try {
                    CpuAffinity.pinCurrentThread(pin);
                } catch (RuntimeException e) {   // a placement hint: the fill still works from anywhere
                    if (warned.compareAndSet(false, true)) LOG.warn("pinned-cache fill threads run unpinned: {}", e.getMessage());
                }
            }
            job.run();
        }));
    }

    int threads() {
        return count;
    }

    /** Copies {@code bytes} from host address {@code from} to {@code to} (the ranges must not overlap). */
    void copy(long from, long to, long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative copy size " + bytes);
        int parts = (int) Math.clamp(bytes / PART_BYTES, 1, count);
        long part = ByteSize.roundUp(Math.ceilDiv(bytes, parts), 64);   // whole cache lines per thread
        List<Callable<Void>> jobs = new ArrayList<>(parts);
        for (long at = 0; at < bytes; at += part) {
            long offset = at, length = Math.min(part, bytes - at);
            jobs.add(() -> {
                MemorySegment.copy(MemorySegment.ofAddress(from + offset).reinterpret(length), 0,
                        MemorySegment.ofAddress(to + offset).reinterpret(length), 0, length);
                return null;
            });
        }
        runAll(jobs);
    }

    /** What each thread reports for {@code probe}, one call per thread (tests: where the threads may run). */
    <T> List<T> onEachThread(Callable<T> probe) {
        // Each thread holds at a barrier until all have taken a task, so no thread runs two of them.
        var barrier = new java.util.concurrent.CyclicBarrier(count);
        List<Callable<T>> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            jobs.add(() -> {
                barrier.await();
                return probe.call();
            });
        }
        return runAll(jobs);
    }

    private <T> List<T> runAll(List<Callable<T>> jobs) {
        try {
            List<T> out = new ArrayList<>(jobs.size());
            for (Future<T> f : threads.invokeAll(jobs)) out.add(f.get());
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while filling the pinned expert cache", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException("pinned-cache fill failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
