package dev.jmoe.host.model;

/** A well-formed model that this engine cannot run (an architecture or tensor type it has no code for). */
public final class UnsupportedModelException extends RuntimeException {
    public UnsupportedModelException(String message) {
        super(message);
    }
}
