package dev.jmoe.host.numa;

import dev.jmoe.host.mem.NativeCallException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Raw Linux system calls through libc's variadic {@code syscall(long number, ...)}: glibc exports no
 * wrappers for mbind, get_mempolicy, set_mempolicy or move_pages (libnuma does; we do not require it).
 * Every argument travels as a 64-bit integer (pointers as addresses), which the x86_64 calling
 * convention passes exactly like the kernel expects. The numbers are x86_64 ones.
 */
final class Syscalls {
    static final long GETTID = 186;
    static final long MBIND = 237;
    static final long SET_MEMPOLICY = 238;
    static final long GET_MEMPOLICY = 239;
    static final long MOVE_PAGES = 279;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Map<Integer, MethodHandle> BY_ARITY = new HashMap<>();

    private Syscalls() {}

    /** Whether the syscall numbers here are this machine's (they are x86_64's). */
    static boolean supported() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    /** Calls syscall {@code number} with {@code args}; a -1 return throws with the errno and {@code call} as text. */
    static long call(String call, long number, long... args) {
        if (!supported()) {
            throw new NativeCallException(call + " on " + System.getProperty("os.arch"), 38); // ENOSYS
        }
        MethodHandle handle = handle(args.length);
        Object[] invokeArgs = new Object[args.length + 2];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            invokeArgs[0] = state;
            invokeArgs[1] = number;
            for (int i = 0; i < args.length; i++) invokeArgs[i + 2] = args[i];
            long rc;
            try {
                rc = (long) handle.invokeWithArguments(invokeArgs);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(call + ": downcall failed", t);
            }
            if (rc == -1) throw new NativeCallException(call, (int) ERRNO.get(state, 0L));
            return rc;
        }
    }

    /** A downcall to a plain libc function that reports failure through errno. */
    static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), descriptor,
                Linker.Option.captureCallState("errno"));
    }

    static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    private static synchronized MethodHandle handle(int arity) {
        return BY_ARITY.computeIfAbsent(arity, n -> {
            ValueLayout[] params = new ValueLayout[n + 1];
            Arrays.fill(params, JAVA_LONG);
            return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("syscall"),
                    FunctionDescriptor.of(JAVA_LONG, params),
                    Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(1));
        });
    }
}
