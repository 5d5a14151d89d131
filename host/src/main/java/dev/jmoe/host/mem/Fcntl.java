package dev.jmoe.host.mem;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** open(2) and close(2): the raw file descriptor that mmap(2) needs (Java's channels hide theirs). */
public final class Fcntl {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;

    // open is variadic (the mode argument), so the linker must be told where the variadic part starts.
    private static final MethodHandle OPEN = Native.withErrno("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = Native.withErrno("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private Fcntl() {}

    /** Opens {@code file} read-only; the caller closes the descriptor. */
    public static int openReadOnly(Path file) {
        String call = "open(" + file + ", O_RDONLY)";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            int fd;
            try {
                fd = (int) OPEN.invokeExact(state, arena.allocateFrom(file.toString()), O_RDONLY | O_CLOEXEC, 0);
            } catch (Throwable t) {
                throw Native.unexpected(call, t);
            }
            if (fd < 0) {
                throw new NativeCallException(call, Native.errno(state));
            }
            return fd;
        }
    }

    public static void close(int fd) {
        String call = "close(" + fd + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            int rc;
            try {
                rc = (int) CLOSE.invokeExact(state, fd);
            } catch (Throwable t) {
                throw Native.unexpected(call, t);
            }
            if (rc != 0) {
                throw new NativeCallException(call, Native.errno(state));
            }
        }
    }
}
