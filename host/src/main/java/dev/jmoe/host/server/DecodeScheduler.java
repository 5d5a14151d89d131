package dev.jmoe.host.server;

import dev.jmoe.host.engine.Session;

/**
 * Where the slots' forward passes meet. Every evaluation a slot needs (a prompt chunk or one decode token)
 * goes through {@link #evaluate}, so the policy that orders or merges them lives in one place.
 *
 * <p>Today's implementation ({@link Serial}) runs one evaluation at a time, in arrival order: the engine's
 * worker pool runs one job at a time, and its sessions must not run concurrently. Continuous batching
 * would replace it with one that collects the pending decode tokens of all busy slots and runs them in one
 * forward pass; that needs an engine call that evaluates one token for each of several sessions (each
 * with its own KV cache and position) and returns one logits row per session.
 */
public interface DecodeScheduler {
    /** Appends {@code tokens} to the slot's session and returns the logits after the last one. */
    float[] evaluate(Session session, int[] tokens);

    /** One evaluation at a time; a fair lock so busy slots take turns step by step. */
    final class Serial implements DecodeScheduler {
        private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock(true);

        @Override
        public float[] evaluate(Session session, int[] tokens) {
            lock.lock();
            try {
                return session.evaluate(tokens);
            } finally {
                lock.unlock();
            }
        }
    }
}
