package dev.jmoe.host.mem;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * mmap, munmap, madvise, mlock and munlock through FFM downcalls. Addresses are plain longs; every
 * failure throws {@link NativeCallException} with the call, its arguments and the errno name.
 * Flag values are the Linux asm-generic ones (x86_64 and aarch64 agree on all of them).
 */
public final class Mman {
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_HUGETLB = 0x40000;
    private static final int MAP_HUGE_SHIFT = 26;
    /** log2 of the page size in the bits above MAP_HUGE_SHIFT selects the hugetlb pool. */
    public static final int MAP_HUGE_2MB = 21 << MAP_HUGE_SHIFT;
    public static final int MAP_HUGE_1GB = 30 << MAP_HUGE_SHIFT;
    public static final int MADV_WILLNEED = 3;
    public static final int MADV_HUGEPAGE = 14;
    /** Linux 5.14+: fault in the whole range writable now (EINVAL on older kernels). */
    public static final int MADV_POPULATE_WRITE = 23;

    private static final long MAP_FAILED = -1L;

    private static final MethodHandle GETPAGESIZE = Native.plain("getpagesize", FunctionDescriptor.of(JAVA_INT));
    /** The base page size: file mappings start at multiples of it. */
    public static final long PAGE_SIZE = pageSize();

    private static final MethodHandle MMAP = Native.withErrno("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = Native.withErrno("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle MADVISE = Native.withErrno("madvise",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle MLOCK = Native.withErrno("mlock",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle MUNLOCK = Native.withErrno("munlock",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

    private Mman() {}

    private static long pageSize() {
        try {
            return (int) GETPAGESIZE.invokeExact();
        } catch (Throwable t) {
            throw Native.unexpected("getpagesize()", t);
        }
    }

    /** Maps {@code length} bytes anywhere (addr NULL); returns the start address. */
    public static long mmap(long length, int prot, int flags, int fd, long offset) {
        String call = "mmap(length=" + length + ", prot=" + prot + ", flags=0x" + Integer.toHexString(flags)
                + ", fd=" + fd + ", offset=" + offset + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            MemorySegment r;
            try {
                r = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, length, prot, flags, fd, offset);
            } catch (Throwable t) {
                throw Native.unexpected(call, t);
            }
            if (r.address() == MAP_FAILED) {
                throw new NativeCallException(call, Native.errno(state));
            }
            return r.address();
        }
    }

    public static void munmap(long address, long length) {
        check(MUNMAP, "munmap", address, length);
    }

    public static void mlock(long address, long length) {
        check(MLOCK, "mlock", address, length);
    }

    public static void munlock(long address, long length) {
        check(MUNLOCK, "munlock", address, length);
    }

    /** {@code address} must be page aligned. */
    public static void madvise(long address, long length, int advice) {
        String call = "madvise(0x" + Long.toHexString(address) + ", " + length + ", " + advice + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            int rc;
            try {
                rc = (int) MADVISE.invokeExact(state, MemorySegment.ofAddress(address), length, advice);
            } catch (Throwable t) {
                throw Native.unexpected(call, t);
            }
            if (rc != 0) {
                throw new NativeCallException(call, Native.errno(state));
            }
        }
    }

    /** The calls of shape {@code int f(void *addr, size_t len)}. */
    private static void check(MethodHandle handle, String name, long address, long length) {
        String call = name + "(0x" + Long.toHexString(address) + ", " + length + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            int rc;
            try {
                rc = (int) handle.invokeExact(state, MemorySegment.ofAddress(address), length);
            } catch (Throwable t) {
                throw Native.unexpected(call, t);
            }
            if (rc != 0) {
                throw new NativeCallException(call, Native.errno(state));
            }
        }
    }
}
