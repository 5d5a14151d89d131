package dev.jmoe.cuda.staging;

import dev.jmoe.host.mem.AlignedMemory;
import dev.jmoe.host.numa.MemPolicy;
import dev.jmoe.host.mem.ByteSize;
import dev.jmoe.host.mem.NativeCallException;

import java.lang.foreign.MemorySegment;

/**
 * One block of the copy-mode cache: 2 MiB-aligned anonymous memory (THP where the kernel allows), faulted in,
 * then registered with the driver. Anonymous memory rather than {@code cuMemHostAlloc} because it can take huge
 * pages and be placed on a NUMA node before it is pinned; {@code jmoe pcie} reports the allocation time of both.
 */
final class PinnedBlock implements AutoCloseable {
    private final AlignedMemory memory;
    private final DeviceCopies.PinnedMemory pin;

    private PinnedBlock(AlignedMemory memory, DeviceCopies.PinnedMemory pin) {
        this.memory = memory;
        this.pin = pin;
    }

    /**
     * {@code bytes} is a multiple of 2 MiB and at most one registration chunk; the pages are placed by {@code policy}
     * (null: the thread's own) before they are faulted in.
     */
    static PinnedBlock allocate(long bytes, DeviceCopies copies, MemPolicy.Policy policy) throws PinRefusedException {
        AlignedMemory memory;
        try {
            memory = AlignedMemory.allocate(bytes, policy);
        } catch (NativeCallException e) {
            throw new PinRefusedException("allocating " + ByteSize.format(bytes) + " for pinned copies: " + e.getMessage());
        }
        try {
            return new PinnedBlock(memory, copies.register(memory.address(), memory.length(), false));
        } catch (PinRefusedException | RuntimeException e) {
            memory.close();
            throw e;
        }
    }

    long address() {
        return memory.address();
    }

    long bytes() {
        return memory.length();
    }

    MemorySegment segment() {
        return memory.segment();
    }

    @Override
    public void close() {
        pin.close();
        memory.close();
    }
}
