package dev.jmoe.host.server;

import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.Session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Continuous batching: one thread owns the engine and, per round, runs the decode tokens of every slot that
 * has one queued as one {@link Engine#decode} pass, then one queued prompt chunk (so a long prompt delays
 * the streams by a chunk at a time, not by the whole prompt). A slot hands in its token and waits for its
 * logits row; with fewer than 16 slots in a pass the row is what the slot would get alone, bit for bit, so
 * batching never changes a reply (from 16 tokens on, a matrix takes the tile products, which round per product:
 * the same values within rounding).
 *
 * <p>Between rounds the slots sample and send text, and hand in their next tokens at slightly different
 * moments. A round therefore waits for every slot with a request in progress ({@link #finished} drops one) to hand in
 * its token, but at most half the last pass: waiting a fraction of a pass for a straggler spares it a whole
 * pass of its own, and a slot whose client reads slowly delays the others by no more than that.
 */
final class BatchingScheduler implements DecodeScheduler {
    private static final long MIN_WAIT_NANOS = 200_000;
    private static final long MAX_WAIT_NANOS = 20_000_000;

    private final long minWaitNanos;
    private final long maxWaitNanos;

    /** One evaluation handed in by a slot, and its result. */
    private record Step(Session session, int[] tokens, CompletableFuture<float[]> result) {}

    private final Engine engine;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Step> decodes = new ArrayList<>();
    private final ArrayDeque<Step> prompts = new ArrayDeque<>();
    private final Set<Session> generating = Collections.newSetFromMap(new IdentityHashMap<>());
    private final AtomicLong passes = new AtomicLong();
    private final AtomicLong decodeTokens = new AtomicLong();
    private final Thread thread;
    private boolean closed;
    private long lastPassNanos;

    BatchingScheduler(Engine engine) {
        this(engine, MIN_WAIT_NANOS, MAX_WAIT_NANOS);
    }

    /** With the bounds of a round's wait for stragglers (tests make it long to take timing out of the count of passes). */
    BatchingScheduler(Engine engine, long minWaitNanos, long maxWaitNanos) {
        if (minWaitNanos > maxWaitNanos) throw new IllegalArgumentException("wait bounds " + minWaitNanos + " > " + maxWaitNanos);
        this.engine = engine;
        this.minWaitNanos = minWaitNanos;
        this.maxWaitNanos = maxWaitNanos;
        this.thread = Thread.ofPlatform().daemon().name("jmoe-batcher").start(this::loop);
    }

    @Override
    public float[] evaluate(Session session, int[] tokens) {
        Step step = new Step(session, tokens.clone(), new CompletableFuture<>());
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("the scheduler is closed");
            generating.add(session); // from its prompt on, until finished: it will want decode steps
            if (tokens.length == 1) decodes.add(step);
            else prompts.add(step);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            return step.result().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    @Override
    public void finished(Session session) {
        lock.lock();
        try {
            if (generating.remove(session)) changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        try {
            rounds();
        } catch (RuntimeException | Error e) {
            // Never leave slots waiting on a thread that is gone: refuse all work from now on.
            lock.lock();
            try {
                closed = true;
                for (Step s : decodes) s.result().completeExceptionally(e);
                for (Step s : prompts) s.result().completeExceptionally(e);
                decodes.clear();
                prompts.clear();
            } finally {
                lock.unlock();
            }
            throw e;
        }
    }

    private void rounds() {
        lock.lock();
        try {
            while (true) {
                while (!closed && decodes.isEmpty() && prompts.isEmpty()) changed.awaitUninterruptibly();
                if (decodes.isEmpty() && prompts.isEmpty()) return; // closed and drained
                awaitStragglers();
                List<Step> batch = new ArrayList<>(decodes);
                decodes.clear();
                Step prompt = prompts.poll();
                lock.unlock();
                try {
                    if (!batch.isEmpty()) decode(batch);
                    if (prompt != null) alone(prompt);
                } finally {
                    lock.lock();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits, bounded, until every generating slot has its next token queued (not while a prompt waits). */
    private void awaitStragglers() {
        if (decodes.isEmpty() || !prompts.isEmpty()) return;
        long wait = Math.clamp(lastPassNanos / 2, minWaitNanos, maxWaitNanos);
        try {
            while (!closed && decodes.size() < generating.size() && wait > 0) wait = changed.awaitNanos(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void decode(List<Step> batch) {
        if (batch.size() == 1) {
            alone(batch.getFirst());
            return;
        }
        List<Session> sessions = new ArrayList<>(batch.size());
        int[] tokens = new int[batch.size()];
        for (int i = 0; i < tokens.length; i++) {
            sessions.add(batch.get(i).session());
            tokens[i] = batch.get(i).tokens()[0];
        }
        float[][] rows;
        try {
            long start = System.nanoTime();
            rows = engine.decode(sessions, tokens);
            lastPassNanos = System.nanoTime() - start;
            passes.incrementAndGet();
            decodeTokens.addAndGet(tokens.length);
        } catch (RuntimeException | Error e) {
            // One slot's step was refused (the engine checks all before running any): let each find out alone.
            for (Step s : batch) alone(s);
            return;
        }
        for (int i = 0; i < rows.length; i++) batch.get(i).result().complete(rows[i]);
    }

    private void alone(Step step) {
        try {
            long start = System.nanoTime();
            float[] logits = step.session().evaluate(step.tokens());
            if (step.tokens().length == 1) {
                lastPassNanos = System.nanoTime() - start;
                decodeTokens.incrementAndGet();
            }
            passes.incrementAndGet();
            step.result().complete(logits);
        } catch (RuntimeException | Error e) {
            step.result().completeExceptionally(e);
        }
    }

    @Override
    public long passes() {
        return passes.get();
    }

    @Override
    public long decodeTokens() {
        return decodeTokens.get();
    }

    /** Runs what was handed in already, then stops the thread; later evaluations are refused. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
