package dev.jmoe.host.server;

import dev.jmoe.host.engine.Session;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where the slots' forward passes meet. Every evaluation a slot needs (a prompt chunk or one decode token)
 * goes through {@link #evaluate}, so the policy that orders or merges them lives in one place: the engine's
 * worker pool runs one job at a time and its sessions must not run concurrently.
 *
 * <p>{@link BatchingScheduler} (the default) merges the decode tokens of all busy slots into one forward pass
 * (continuous batching); {@link Serial} ({@code --no-cont-batching}) runs one evaluation at a time.
 */
public interface DecodeScheduler extends AutoCloseable {
    /** Appends {@code tokens} to the slot's session and returns the logits after the last one. */
    float[] evaluate(Session session, int[] tokens);

    /** The session's generation is over: no batch waits for its next token. */
    default void finished(Session session) {}

    /** Forward passes run so far (a merged decode step counts once). */
    long passes();

    /** Decode tokens (single-token evaluations) run so far; divided by the passes that ran them, the mean batch. */
    long decodeTokens();

    /** Stops taking work once the evaluations already handed in are done. */
    @Override
    default void close() {}

    /** One evaluation at a time; a fair lock so busy slots take turns step by step. */
    final class Serial implements DecodeScheduler {
        private final ReentrantLock lock = new ReentrantLock(true);
        private final AtomicLong passes = new AtomicLong();
        private final AtomicLong decodeTokens = new AtomicLong();

        @Override
        public float[] evaluate(Session session, int[] tokens) {
            lock.lock();
            try {
                passes.incrementAndGet();
                if (tokens.length == 1) decodeTokens.incrementAndGet();
                return session.evaluate(tokens);
            } finally {
                lock.unlock();
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
    }
}
