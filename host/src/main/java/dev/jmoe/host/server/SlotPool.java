package dev.jmoe.host.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The slots and the bounded queue in front of them. A request takes a free slot (the one whose cache shares
 * the longest prefix with its prompt), or waits if fewer than {@code queueLimit} requests wait already;
 * otherwise it is refused with 429.
 */
final class SlotPool {
    private final List<Slot> free;
    private final int total;
    private final int queueLimit;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition released = lock.newCondition();
    private int waiting;
    private boolean closed;

    SlotPool(List<Slot> slots, int queueLimit) {
        this.free = new ArrayList<>(slots);
        this.total = slots.size();
        this.queueLimit = queueLimit;
    }

    Slot acquire(int[] prompt) throws InterruptedException {
        lock.lock();
        try {
            checkOpen();
            if (free.isEmpty()) {
                if (waiting >= queueLimit) {
                    throw new ApiError(429, "rate_limit_error", "the server is busy: all " + total + " slots are busy and "
                            + waiting + " requests wait already (--queue " + queueLimit + "); retry later");
                }
                waiting++;
                try {
                    while (free.isEmpty() && !closed) released.await();
                    checkOpen();
                } finally {
                    waiting--;
                }
            }
            Slot best = free.getFirst();
            for (Slot s : free) if (s.commonPrefix(prompt) > best.commonPrefix(prompt)) best = s;
            free.remove(best);
            return best;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new requests and wakes the waiting ones with a 503: the server is stopping. */
    void close() {
        lock.lock();
        try {
            closed = true;
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void checkOpen() {
        if (closed) throw new ApiError(503, "unavailable_error", "the server is stopping");
    }

    void release(Slot slot) {
        lock.lock();
        try {
            free.add(slot);
            released.signal();
        } finally {
            lock.unlock();
        }
    }

    int total() {
        return total;
    }

    int busy() {
        lock.lock();
        try {
            return total - free.size();
        } finally {
            lock.unlock();
        }
    }

    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }
}
