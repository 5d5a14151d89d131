package dev.jmoe.cuda.staging;

import dev.jmoe.host.engine.ExpertRuns.Run;
import dev.jmoe.host.mem.ByteSize;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CopiedStageTest {
    private static final long MIB = ByteSize.MIB;
    private final FakeDeviceCopies copies = new FakeDeviceCopies();
    private final PcieMeter meter = new PcieMeter();
    private ExpertFixture fixture;

    @AfterEach
    void close() {
        if (fixture != null) fixture.close();
        copies.close();
    }

    /** Uploads the lease to a fresh device buffer the size of the run, as the pipeline would. */
    private FakeDeviceCopies.FakeBuffer upload(StageLease lease, long runBytes) {
        var buffer = (FakeDeviceCopies.FakeBuffer) copies.allocateDevice(runBytes);
        var stream = copies.newStream();
        for (UploadSpan s : lease.spans()) stream.toDevice(buffer, s.runOffset(), s.hostAddress(), s.bytes());
        return buffer;
    }

    private void assertAllRegistrationsAligned() {
        for (var r : copies.registrations) {
            assertEquals(0, r.address() % (2 * MIB), () -> "unaligned start " + r);
            assertEquals(0, r.bytes() % (2 * MIB), () -> "unaligned length " + r);
            assertFalse(r.readOnly(), "the cache writes its blocks");
        }
    }

    @Test
    void lruEvictsTheLeastRecentlyUsedUnheldSlabAndCountsHitsMissesEvictions() throws Exception {
        // 12 experts of 1 MiB; budget 8 MiB → one 8 MiB block of 8 slots.
        fixture = new ExpertFixture(0, new long[] {MIB, 12});
        CopiedStage stage = CopiedStage.open(fixture.tensors, copies, 8 * MIB, meter);
        meter.pinnedBytes(stage::pinnedBytes);
        meter.beginPrefill();
        stage.lease(0, new Run(0, 8)).close();     // 8 misses, cache full
        stage.lease(0, new Run(0, 1)).close();     // hit: expert 0 is now the most recent, expert 1 the least
        stage.lease(0, new Run(8, 1)).close();     // miss: evicts expert 1
        assertTrue(stage.isCached(0, 0));
        assertFalse(stage.isCached(0, 1));
        assertTrue(stage.isCached(0, 8));
        stage.lease(0, new Run(9, 2)).close();     // two misses: evicts 2 and 3
        assertFalse(stage.isCached(0, 2) || stage.isCached(0, 3));
        PcieSnapshot s = meter.endPrefill();
        assertEquals(1, s.hits());
        assertEquals(11, s.misses());
        assertEquals(3, s.evictions());
        assertEquals(8 * MIB, s.pinnedBytes());
        assertEquals(8, stage.cachedSlabs());
        assertEquals(1, copies.registrations.size());
        assertAllRegistrationsAligned();
    }

    @Test
    void uploadedBytesAreTheRoutedExpertsWhetherHitOrMiss() throws Exception {
        fixture = new ExpertFixture(4096, new long[] {MIB, 6});
        CopiedStage stage = CopiedStage.open(fixture.tensors, copies, 4 * MIB, meter);
        stage.lease(0, new Run(1, 2)).close();                 // fills experts 1, 2
        try (StageLease lease = stage.lease(0, new Run(0, 4))) { // 0 and 3 miss, 1 and 2 hit
            var device = upload(lease, 4 * MIB);
            for (int i = 0; i < 4; i++) assertTrue(fixture.holds(device.memory, i * MIB, 0, i), "expert " + i);
            assertEquals(4 * MIB, lease.bytes());
            assertTrue(lease.spans().stream().allMatch(UploadSpan::pinned));
        }
    }

    @Test
    void heldSlabsAreNeverEvictedAndTheRunThenComesFromTheMappedTensor() throws Exception {
        fixture = new ExpertFixture(0, new long[] {MIB, 6});
        CopiedStage stage = CopiedStage.open(fixture.tensors, copies, 4 * MIB, meter);
        try (StageLease held = stage.lease(0, new Run(0, 4))) {        // all four slots held by a request in flight
            StageLease next = stage.lease(0, new Run(4, 1));
            assertEquals(List.of(new UploadSpan(fixture.tensors.getFirst().expertAddress(4), MIB, 0, false)), next.spans());
            next.close();
            var device = upload(held, 4 * MIB);                          // the held copies still hold their experts
            for (int i = 0; i < 4; i++) assertTrue(fixture.holds(device.memory, i * MIB, 0, i));
        }
        stage.lease(0, new Run(5, 1)).close();                          // released: now expert 0 goes
        assertFalse(stage.isCached(0, 0));
        assertTrue(stage.isCached(0, 5));
    }

    @Test
    void pinnedBytesNeverExceedTheBudgetAcrossSlabSizes() throws Exception {
        // 1 MiB and 2 MiB slabs, 4 MiB budget: a block of each size is 4 MiB, so only one block fits at a time.
        fixture = new ExpertFixture(0, new long[] {MIB, 4}, new long[] {2 * MIB, 2});
        CopiedStage stage = CopiedStage.open(fixture.tensors, copies, 4 * MIB, meter);
        stage.lease(0, new Run(0, 4)).close();
        assertEquals(4, stage.cachedSlabs());
        try (StageLease lease = stage.lease(1, new Run(1, 1))) {   // empties the 1 MiB block to make room
            assertTrue(lease.spans().getFirst().pinned());
            assertTrue(fixture.holds(upload(lease, 2 * MIB).memory, 0, 1, 1));
        }
        assertTrue(stage.isCached(1, 1));
        assertEquals(1, stage.cachedSlabs());
        assertEquals(4 * MIB, stage.pinnedBytes());
        assertEquals(4 * MIB, copies.liveRegisteredBytes());
        assertEquals(2, copies.registrations.size());
        assertEquals(1, copies.unregisterCalls);
        assertAllRegistrationsAligned();
    }

    @Test
    void eagerFillStopsAtTheBudgetAndAdjacentSlabsUploadAsOneCopy() throws Exception {
        fixture = new ExpertFixture(0, new long[] {MIB, 16});
        CopiedStage stage = CopiedStage.open(fixture.tensors, copies, 6 * MIB, meter);
        assertEquals(6, stage.fillEagerly());
        meter.beginPrefill();
        try (StageLease lease = stage.lease(0, new Run(0, 6))) {
            assertEquals(1, lease.spans().size(), "slabs filled in order lie in order");
            assertTrue(lease.spans().getFirst().pinned());
        }
        PcieSnapshot s = meter.endPrefill();
        assertEquals(6, s.hits());
        assertEquals(0, s.misses());
        assertEquals(0, s.evictions());
    }

    @Test
    void slabsLargerThanTwoMibRoundTheirBlockUpToWholeHugePages() throws Exception {
        fixture = new ExpertFixture(0, new long[] {3 * MIB, 3});
        CopiedStage stage = CopiedStage.open(fixture.tensors, copies, 5 * MIB, meter);
        assertEquals(4 * MIB, stage.pinnedBytes()); // one slab of 3 MiB in a 4 MiB block; 8 MiB would pass the budget
        stage.lease(0, new Run(0, 3)).close();
        assertEquals(1, stage.cachedSlabs());
        assertAllRegistrationsAligned();
    }

    @Test
    void aBudgetBelowOneBlockIsRefusedWithTheSizes() {
        fixture = new ExpertFixture(0, new long[] {3 * MIB, 2});
        var e = assertThrows(PinRefusedException.class, () -> CopiedStage.open(fixture.tensors, copies, 3 * MIB, meter));
        assertEquals("--pin-cache-gib 3.0 MiB is below one pinned block of 4.0 MiB (one expert slab rounded to 2 MiB)",
                e.getMessage());
        assertTrue(copies.registrations.isEmpty(), copies.registrations::toString);
    }

    @Test
    void aDriverRefusingAnonymousMemoryRefusesTheMode() {
        fixture = new ExpertFixture(0, new long[] {MIB, 2});
        copies.refuseRegister("CUDA_ERROR_OUT_OF_MEMORY");
        var e = assertThrows(PinRefusedException.class, () -> CopiedStage.open(fixture.tensors, copies, 8 * MIB, meter));
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.getMessage());
    }
}
