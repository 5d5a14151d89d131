package dev.jmoe.host.numa;

import dev.jmoe.host.mem.NativeCallException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The calling thread's CPU set ({@code sched_setaffinity}/{@code sched_getaffinity} with pid 0, which
 * the kernel reads as "this thread"), its kernel thread id and the CPU it runs on. A platform Java
 * thread is one kernel thread, so pinning it pins the worker; a virtual thread must not be pinned.
 */
public final class CpuAffinity {
    /** cpu_set_t masks of 1024 CPUs, glibc's CPU_SETSIZE. */
    private static final int SET_BITS = 1024;
    private static final long SET_BYTES = SET_BITS / 8;

    private static final MethodHandle SET = Syscalls.libc("sched_setaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle GET = Syscalls.libc("sched_getaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle GETCPU = Syscalls.libc("sched_getcpu", FunctionDescriptor.of(JAVA_INT));

    private CpuAffinity() {}

    /** Restricts the calling thread to {@code cpus}. */
    public static void pinCurrentThread(List<Integer> cpus) {
        if (cpus.isEmpty()) throw new IllegalArgumentException("cannot pin a thread to no CPUs");
        String call = "sched_setaffinity(0, " + cpus + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Syscalls.callState(arena);
            MemorySegment set = arena.allocate(SET_BYTES, 8);
            for (int cpu : cpus) {
                if (cpu < 0 || cpu >= SET_BITS) throw new IllegalArgumentException("CPU " + cpu + " outside 0.." + (SET_BITS - 1));
                set.set(java.lang.foreign.ValueLayout.JAVA_BYTE, cpu / 8,
                        (byte) (set.get(java.lang.foreign.ValueLayout.JAVA_BYTE, cpu / 8) | (1 << (cpu % 8))));
            }
            int rc = invoke(SET, call, state, set);
            if (rc != 0) throw new NativeCallException(call, Syscalls.errno(state));
        }
    }

    /** The CPUs the calling thread may run on, ascending. */
    public static List<Integer> currentThreadCpus() {
        String call = "sched_getaffinity(0)";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Syscalls.callState(arena);
            MemorySegment set = arena.allocate(SET_BYTES, 8);
            int rc = invoke(GET, call, state, set);
            if (rc != 0) throw new NativeCallException(call, Syscalls.errno(state));
            List<Integer> cpus = new ArrayList<>();
            for (int cpu = 0; cpu < SET_BITS; cpu++) {
                if ((set.get(java.lang.foreign.ValueLayout.JAVA_BYTE, cpu / 8) & (1 << (cpu % 8))) != 0) cpus.add(cpu);
            }
            return cpus;
        }
    }

    /** The kernel's id of the calling thread (the name of its /proc/self/task entry). */
    public static int currentThreadId() {
        return (int) Syscalls.call("gettid()", Syscalls.GETTID);
    }

    /** The CPU the calling thread runs on right now. */
    public static int currentCpu() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Syscalls.callState(arena);
            int cpu;
            try {
                cpu = (int) GETCPU.invokeExact(state);
            } catch (Throwable t) {
                throw new IllegalStateException("sched_getcpu(): downcall failed", t);
            }
            if (cpu < 0) throw new NativeCallException("sched_getcpu()", Syscalls.errno(state));
            return cpu;
        }
    }

    private static int invoke(MethodHandle handle, String call, MemorySegment state, MemorySegment set) {
        try {
            return (int) handle.invokeExact(state, 0, SET_BYTES, set);
        } catch (Throwable t) {
            throw new IllegalStateException(call + ": downcall failed", t);
        }
    }
}
