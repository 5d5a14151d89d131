package dev.jmoe.host.mem;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One mmap'd address range and the segment over it. Closing it ends the segment's scope first (so
 * no Java code can touch the range after) and then unmaps it.
 */
final class NativeMapping implements AutoCloseable {
    private final long address;
    private final long length;
    private final Arena arena;
    private final MemorySegment segment;
    private boolean closed;

    private NativeMapping(long address, long length) {
        this.address = address;
        this.length = length;
        // Shared: the CPU workers of every NUMA node read the weights.
        this.arena = Arena.ofShared();
        this.segment = MemorySegment.ofAddress(address).reinterpret(length, arena, null);
    }

    /** mmap with the kernel choosing the address. */
    static NativeMapping map(long length, int prot, int flags, int fd, long offset) {
        return new NativeMapping(Mman.mmap(length, prot, flags, fd, offset), length);
    }

    /**
     * Anonymous memory whose start is a multiple of {@code alignment}: maps {@code alignment} extra bytes
     * and unmaps the unaligned head and the tail. THP needs 2 MiB aligned ranges to use huge pages.
     */
    static NativeMapping mapAnonymousAligned(long length, long alignment, int prot, int flags) {
        long padded = length + alignment;
        long raw = Mman.mmap(padded, prot, flags | Mman.MAP_ANONYMOUS, -1, 0);
        long start = ByteSize.roundUp(raw, alignment);
        if (start > raw) {
            Mman.munmap(raw, start - raw);
        }
        long tail = raw + padded - (start + length);
        if (tail > 0) {
            Mman.munmap(start + length, tail);
        }
        return new NativeMapping(start, length);
    }

    long address() {
        return address;
    }

    long length() {
        return length;
    }

    MemorySegment segment() {
        return segment;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
        Mman.munmap(address, length);
    }
}
