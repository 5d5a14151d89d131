package dev.jmoe.host.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of platform threads that run one job at a time, each worker calling the job with its index.
 *
 * <p>Hand-off is a generation counter: {@link #run} publishes the job, bumps the generation and unparks the
 * workers; each worker runs it, counts down, and the last one unparks the caller. Workers spin briefly
 * before parking, so back-to-back jobs (one per layer and token) do not pay a full wake-up each time.
 * No fork-join, no parallel streams: the kernels' threads are known and few.
 *
 * <p>The seam for pinning: {@code onStart} runs first in each worker thread with its index (e.g. to set
 * CPU affinity or a NUMA memory policy); nothing is pinned by default.
 */
public final class WorkerPool implements AutoCloseable {
    /** Work split over the pool: called once per worker with its index (0..workers-1). */
    @FunctionalInterface
    public interface Job {
        void run(int worker, int workers);
    }

    private static final int SPINS = 2_000;

    private final Thread[] threads;
    private final AtomicInteger remaining = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Job current;
    private volatile long generation;
    private volatile Thread waiter;
    private volatile boolean closed;

    /** A pool of {@code workers} threads named {@code name-0..}, with nothing run at start. */
    public WorkerPool(int workers, String name) {
        this(workers, name, i -> {});
    }

    public WorkerPool(int workers, String name, IntConsumer onStart) {
        if (workers < 1) throw new IllegalArgumentException("a worker pool needs at least 1 worker, got " + workers);
        threads = new Thread[workers];
        for (int i = 0; i < workers; i++) {
            int index = i;
            threads[i] = Thread.ofPlatform().daemon().name(name + "-" + i).unstarted(() -> {
                onStart.accept(index);
                loop(index);
            });
        }
        for (Thread t : threads) t.start();
    }

    public int workers() {
        return threads.length;
    }

    /** Runs {@code job} on every worker and returns when all are done; rethrows the first failure. */
    public synchronized void run(Job job) {
        if (closed) throw new IllegalStateException("worker pool is closed");
        failure.set(null);
        current = job;
        waiter = Thread.currentThread();
        remaining.set(threads.length);
        generation++;
        for (Thread t : threads) LockSupport.unpark(t);
        for (int spin = 0; remaining.get() != 0; spin++) {
            if (spin < SPINS) Thread.onSpinWait();
            else LockSupport.park(this);
        }
        current = null;
        Throwable t = failure.get();
        if (t instanceof RuntimeException e) throw e;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException("worker failed", t);
    }

    private void loop(int index) {
        long seen = 0;
        while (true) {
            long g;
            for (int spin = 0; (g = generation) == seen; spin++) {
                if (closed) return;
                if (spin < SPINS) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            seen = g;
            try {
                current.run(index, threads.length);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
            if (remaining.decrementAndGet() == 0) LockSupport.unpark(waiter);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) LockSupport.unpark(t);
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
