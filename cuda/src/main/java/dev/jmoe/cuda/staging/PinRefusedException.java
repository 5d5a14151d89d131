package dev.jmoe.cuda.staging;

/** The driver or the OS would not pin (or allocate pinned) memory; the message says why, in one line. */
public final class PinRefusedException extends Exception {
    public PinRefusedException(String message) {
        super(message, null, false, false);
    }
}
