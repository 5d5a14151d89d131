package dev.jmoe.host.model;

/**
 * The placement flags cannot be honoured on these devices: a buffer that does not exist, or a plan
 * that does not fit a GPU's memory. Fixed by changing the flags, so the CLI treats it as a usage error.
 */
public final class PlacementException extends IllegalArgumentException {
    public PlacementException(String message) {
        super(message);
    }
}
