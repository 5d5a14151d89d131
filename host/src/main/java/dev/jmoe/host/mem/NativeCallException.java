package dev.jmoe.host.mem;

/** A libc call that returned failure; carries the errno so callers can choose a fallback by it. */
public final class NativeCallException extends RuntimeException {
    private final int errno;

    public NativeCallException(String call, int errno) {
        super(call + " failed: " + Errno.describe(errno));
        this.errno = errno;
    }

    public int errnoCode() {
        return errno;
    }

    public Errno errno() {
        return Errno.of(errno);
    }
}
