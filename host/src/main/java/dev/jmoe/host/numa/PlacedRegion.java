package dev.jmoe.host.numa;

import dev.jmoe.host.mem.Mman;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** One allocated region of a plan: anonymous memory with its policy set, unmapped on close. */
final class PlacedRegion implements AutoCloseable {
    private final RegionPlan plan;
    private final long address;
    private final long length;
    private final Arena arena = Arena.ofShared(); // the workers of every node read it
    private final MemorySegment segment;
    private boolean closed;

    private PlacedRegion(RegionPlan plan, long address, long length) {
        this.plan = plan;
        this.address = address;
        this.length = length;
        this.segment = MemorySegment.ofAddress(address).reinterpret(length, arena, null);
    }

    /**
     * Maps the region and sets its policy while no page of it exists yet, so every page is allocated
     * where the policy says on its first touch. A policy call that fails unmaps and rethrows.
     */
    static PlacedRegion allocate(RegionPlan plan) {
        long length = Math.max(plan.bytes(), RegionPlan.PAGE);
        long address = Mman.mmap(length, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        try {
            MemPolicy.mbind(address, length, plan.policy());
        } catch (RuntimeException e) {
            Mman.munmap(address, length);
            throw e;
        }
        return new PlacedRegion(plan, address, length);
    }

    RegionPlan plan() {
        return plan;
    }

    MemorySegment segment() {
        return segment;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        arena.close();
        Mman.munmap(address, length);
    }
}
