package dev.jmoe.host.mem;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** getrlimit(2) for the limits the memory layer cares about. */
public final class Rlimit {
    private static final int RLIMIT_MEMLOCK = 8;
    /** RLIM_INFINITY is all ones as an unsigned 64-bit value. */
    public static final long INFINITY = -1L;

    private static final MethodHandle GETRLIMIT = Native.withErrno("getrlimit",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    private Rlimit() {}

    /** A soft and hard limit in bytes; {@link #INFINITY} means unlimited. */
    public record Limit(long soft, long hard) {
        public boolean softUnlimited() {
            return soft == INFINITY;
        }
    }

    /** RLIMIT_MEMLOCK: how many bytes this process may lock without CAP_IPC_LOCK. */
    public static Limit memlock() {
        String call = "getrlimit(RLIMIT_MEMLOCK)";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            MemorySegment limit = arena.allocate(JAVA_LONG, 2); // struct rlimit { rlim_t cur, max; }
            int rc;
            try {
                rc = (int) GETRLIMIT.invokeExact(state, RLIMIT_MEMLOCK, limit);
            } catch (Throwable t) {
                throw Native.unexpected(call, t);
            }
            if (rc != 0) {
                throw new NativeCallException(call, Native.errno(state));
            }
            return new Limit(limit.getAtIndex(JAVA_LONG, 0), limit.getAtIndex(JAVA_LONG, 1));
        }
    }
}
