package dev.jmoe.host.numa;

/** A placement that cannot be made (the replicas do not fit, an unknown node); the message has the numbers. */
public final class NumaPlacementException extends RuntimeException {
    public NumaPlacementException(String message) {
        super(message);
    }
}
