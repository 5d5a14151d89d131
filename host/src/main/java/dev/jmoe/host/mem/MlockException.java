package dev.jmoe.host.mem;

/** A region could not be locked in memory; the message says which limit and how to raise it. */
public final class MlockException extends RuntimeException {
    public MlockException(String message, Throwable cause) {
        super(message, cause);
    }
}
