package dev.jmoe.host.engine;

/** A batch that does not fit the free part of the context. */
public final class ContextFullException extends RuntimeException {
    public ContextFullException(int tokens, int position, int capacity) {
        super(tokens + " tokens at position " + position + " do not fit the context of " + capacity
                + " tokens (" + Math.max(0, capacity - position) + " free); use -c to enlarge it");
    }
}
