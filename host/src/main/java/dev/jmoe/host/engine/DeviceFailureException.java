package dev.jmoe.host.engine;

/**
 * A GPU op failed mid-pass (a CUDA or cuBLAS error). The pass, and so its request, fails with this message; the
 * backend has dropped its GPU by then, so the engine stays usable and runs every later op on the host, whose copy
 * of the weights and of the KV cache was kept for that.
 */
public final class DeviceFailureException extends RuntimeException {
    public DeviceFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
