package dev.jmoe.host.server;

/**
 * A request the server answers with an error status and an OpenAI-style body
 * {@code {"error":{"message":...,"type":...,"code":status}}}. Thrown anywhere below a handler; the router turns it
 * into the response, so a client's mistake is never a 500.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;

    public ApiError(int status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    public static ApiError invalid(String message) {
        return new ApiError(400, "invalid_request_error", message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }
}
