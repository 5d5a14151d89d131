package dev.jmoe.host.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of platform threads that run one job at a time, each worker calling the job with its index.
 *
 * <p>Hand-off is a generation counter: {@link #run} publishes the job, bumps the generation and unparks the
 * workers; each worker runs it, counts down, and the last one unparks the caller. Workers (and the caller
 * waiting for them) spin for {@link #SPIN_NANOS} before parking, so the jobs of a forward pass, with the
 * caller's serial steps between them, do not pay a wake-up each: on the 2-vCPU VM a parked worker took
 * 45–70 µs to start a job after a gap of 100 µs or more, a spinning one about 1 µs.
 * No fork-join, no parallel streams: the kernels' threads are known and few.
 *
 * <p>A pool of n workers has n − 1 threads: the calling thread is the last worker and runs its share
 * itself. A caller that only waited would spin beside n busy workers, one thread more than the n cores
 * asked for (on 2 cores, tg 31 → 36 and pp64 110 → 151 t/s on the synth speed model once the caller
 * joined), or park and pay a wake-up per job (about 140 µs per job on the small test models).
 *
 * <p>The seam for pinning: {@code onStart} runs first in each worker thread with its index (e.g. to set
 * CPU affinity or a NUMA memory policy), and on the calling thread, with the last index, before the first
 * job it runs (again if another thread calls): the thread that drives a pinned pool is pinned as its last
 * worker. The constructor returns once every thread's hook has run, and a hook that threw makes
 * {@link #run} fail with its exception rather than hang.
 */
public final class WorkerPool implements AutoCloseable {
    /** Work split over the pool: called once per worker with its index (0..workers-1). */
    @FunctionalInterface
    public interface Job {
        void run(int worker, int workers);
    }

    /**
     * How long a thread spins for the next job (or for the workers) before parking: a time, not a count of
     * spin-wait hints, whose length differs several-fold between CPUs (2,000 hints were 50–100 µs here).
     * One millisecond covers the serial gaps of a decode step: DeepSeek-shaped decode parked the worker
     * 10,234 times in 101,376 jobs with 2,000 hints, 1,691 times with 1 ms.
     */
    private static final long SPIN_NANOS = 1_000_000;

    /** The workers but the last, which is whichever thread calls {@link #run}. */
    private final Thread[] threads;
    private final IntConsumer onStart;
    /** The calling thread {@code onStart} last ran on as the last worker. */
    private Thread hookedCaller;
    private final StartGate started;
    private final AtomicInteger remaining = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicReference<Throwable> startFailure = new AtomicReference<>();
    private volatile Job current;
    private volatile long generation;
    private volatile Thread waiter;
    private volatile boolean closed;

    /** A pool of {@code workers} workers: {@code workers - 1} threads named {@code name-0..} and the caller. */
    public WorkerPool(int workers, String name) {
        this(workers, name, i -> {});
    }

    /** As {@link #WorkerPool(int, String)}, each worker running {@code onStart} with its index first. */
    public WorkerPool(int workers, String name, IntConsumer onStart) {
        if (workers < 1) throw new IllegalArgumentException("a worker pool needs at least 1 worker, got " + workers);
        this.onStart = onStart;
        int count = workers - 1;
        threads = new Thread[count];
        started = new StartGate(count);
        for (int i = 0; i < count; i++) {
            int index = i;
            threads[i] = Thread.ofPlatform().daemon().name(name + "-" + i).unstarted(() -> {
                try {
                    onStart.accept(index);
                } catch (Throwable t) {
                    startFailure.compareAndSet(null, t);   // reported by run(); the worker still serves jobs
                } finally {
                    started.countDown();
                }
                loop(index);
            });
        }
        for (Thread t : threads) t.start();
        started.awaitUninterruptibly();
    }

    public int workers() {
        return threads.length + 1;
    }

    /**
     * Runs {@code job} on every worker and returns when all are done; rethrows the first failure. Not
     * reentrant: a job must not call {@code run} on its own pool (that would wait on itself).
     */
    public void run(Job job) {
        Thread self = Thread.currentThread();
        boolean inJob = current != null && waiter == self;   // the caller's own share calling back in
        for (Thread t : threads) inJob |= t == self;
        if (inJob) throw new IllegalStateException("a worker pool job cannot run a job on its own pool");
        runExclusively(job);
    }

    private synchronized void runExclusively(Job job) {
        if (closed) throw new IllegalStateException("worker pool is closed");
        if (hookedCaller != Thread.currentThread()) {
            hookedCaller = Thread.currentThread();
            try {
                onStart.accept(threads.length);
            } catch (Throwable t) {
                startFailure.compareAndSet(null, t);
            }
        }
        Throwable atStart = startFailure.get();
        if (atStart != null) throw new IllegalStateException("a worker's start hook failed: " + atStart, atStart);
        failure.set(null);
        current = job;
        waiter = Thread.currentThread();
        remaining.set(threads.length);
        generation++;
        for (Thread t : threads) LockSupport.unpark(t);
        runShare(job, threads.length);
        long deadline = System.nanoTime() + SPIN_NANOS;
        while (remaining.get() != 0) {
            if (System.nanoTime() - deadline < 0) Thread.onSpinWait();
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
            long deadline = System.nanoTime() + SPIN_NANOS;
            while ((g = generation) == seen) {
                if (closed) return;
                if (System.nanoTime() - deadline < 0) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            seen = g;
            runShare(current, index);
            if (remaining.decrementAndGet() == 0) LockSupport.unpark(waiter);
        }
    }

    private void runShare(Job job, int index) {
        try {
            job.run(index, workers());
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    /** Counts the workers through their start hooks (a latch that the constructor waits on without interrupts). */
    private static final class StartGate extends java.util.concurrent.CountDownLatch {
        StartGate(int count) {
            super(count);
        }

        void awaitUninterruptibly() {
            boolean interrupted = false;
            while (true) {
                try {
                    await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
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
