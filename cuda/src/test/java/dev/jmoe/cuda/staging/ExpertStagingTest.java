package dev.jmoe.cuda.staging;

import dev.jmoe.host.engine.ExpertRuns.Run;
import dev.jmoe.host.mem.ByteSize;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExpertStagingTest {
    private static final long MIB = ByteSize.MIB;
    private final FakeDeviceCopies copies = new FakeDeviceCopies();
    private final PcieMeter meter = new PcieMeter();
    private final List<String> warnings = new ArrayList<>();
    // Two tensors of 8 experts × 1 MiB, the first 64 KiB into a 2 MiB-aligned "mapping".
    private final ExpertFixture fixture = new ExpertFixture(64 * 1024, new long[] {MIB, 8}, new long[] {MIB, 8});

    @AfterEach
    void close() {
        fixture.close();
        copies.close();
    }

    private ExpertStaging open(String mode, Double gib) {
        return ExpertStaging.open(fixture.tensors, copies, StagingOptions.of(mode, gib, false, 64 * ByteSize.GIB), meter,
                warnings::add);
    }

    private FakeDeviceCopies.FakeBuffer upload(StageLease lease, long bytes) {
        var buffer = (FakeDeviceCopies.FakeBuffer) copies.allocateDevice(bytes);
        var stream = copies.newStream();
        for (UploadSpan s : lease.spans()) stream.toDevice(buffer, s.runOffset(), s.hostAddress(), s.bytes());
        return buffer;
    }

    @Test
    void registerPinsTheMappedExpertsReadOnlyOnTwoMibRangesAndUploadsEachRunAsOneCopy() {
        try (ExpertStaging s = open("register", null)) {
            assertEquals(PinMode.REGISTER, s.mode());
            // 16 MiB of experts from 64 KiB: rounded out to 0 .. 18 MiB, one range.
            assertEquals(1, copies.registrations.size());
            var r = copies.registrations.getFirst();
            assertEquals(fixture.memory.address(), r.address());
            assertEquals(18 * MIB, r.bytes());
            assertTrue(r.readOnly());
            try (StageLease lease = s.lease(1, new Run(2, 3))) {
                assertEquals(1, lease.spans().size());
                var device = upload(lease, 3 * MIB);
                for (int i = 0; i < 3; i++) assertTrue(fixture.holds(device.memory, i * MIB, 1, 2 + i));
            }
            assertEquals(3 * MIB, copies.copiedBytes(true));
            assertEquals(0, copies.copiedBytes(false));
            assertTrue(s.describe().startsWith("expert-pin: register (18.0 MiB of mapped expert pages pinned in place in 1 range"),
                    s.describe());
            assertTrue(warnings.isEmpty());
        }
        assertEquals(0, copies.liveRegisteredBytes());
    }

    @Test
    void offUploadsFromPageableMemoryAndPinsNothing() {
        try (ExpertStaging s = open("off", null); StageLease lease = s.lease(0, new Run(0, 2))) {
            upload(lease, 2 * MIB);
            assertEquals(2 * MIB, copies.copiedBytes(false));
            assertTrue(copies.registrations.isEmpty());
            assertEquals(0, s.pinnedBytes());
        }
    }

    @Test
    void defaultIsCopyWhenTheExpertsFitTheBudgetElseRegister() {
        try (ExpertStaging s = open(null, 1.0)) {          // 16 MiB of experts, 1 GiB budget
            assertEquals(PinMode.COPY, s.mode());
        }
        try (ExpertStaging s = open(null, 8.0 / 1024)) {   // 8 MiB budget
            assertEquals(PinMode.REGISTER, s.mode());
        }
        // Without --pin-cache-gib the budget is half the available memory.
        assertEquals(32 * ByteSize.GIB, StagingOptions.of(null, null, false, 64 * ByteSize.GIB).cacheBudgetBytes());
        assertTrue(warnings.isEmpty());
    }

    @Test
    void registerRefusedFallsBackToCopyWithOneWarningSayingWhy() {
        copies.refuseReadOnly("cuMemHostRegister: CUDA_ERROR_NOT_SUPPORTED");
        try (ExpertStaging s = open("register", 1.0)) {
            assertEquals(PinMode.COPY, s.mode());
            assertEquals(1, warnings.size());
            assertTrue(warnings.getFirst().startsWith("--expert-pin register refused: pinning 18.0 MiB of mapped experts at 0x"),
                    warnings.getFirst());
            assertTrue(warnings.getFirst().endsWith("cuMemHostRegister: CUDA_ERROR_NOT_SUPPORTED; falling back to copy"),
                    warnings.getFirst());
        }
    }

    @Test
    void registerAndCopyRefusedEndInOffWithAWarningForEach() {
        copies.refuseRegister("CUDA_ERROR_OUT_OF_MEMORY");
        try (ExpertStaging s = open("register", 1.0)) {
            assertEquals(PinMode.OFF, s.mode());
            assertEquals(2, warnings.size(), warnings::toString);
            assertTrue(warnings.get(0).endsWith("CUDA_ERROR_OUT_OF_MEMORY; falling back to copy"), warnings.get(0));
            assertEquals("--expert-pin copy refused: CUDA_ERROR_OUT_OF_MEMORY; falling back to off", warnings.get(1));
        }
    }

    @Test
    void aRegistrationRefusedHalfWayUnpinsTheRangesAlreadyPinned() {
        // Tensors far apart: two ranges. The second is refused; the first must be unpinned again.
        try (ExpertFixture apart = new ExpertFixture(0, new long[] {MIB, 2}, new long[] {4 * MIB, 1}, new long[] {MIB, 2})) {
            List<ExpertTensor> two = List.of(apart.tensors.get(0), apart.tensors.get(2));
            copies.refuseRegisterAfter(1, "CUDA_ERROR_INVALID_VALUE");
            var e = assertThrows(PinRefusedException.class, () -> RegisteredStage.pin(two, copies));
            assertTrue(e.getMessage().endsWith("CUDA_ERROR_INVALID_VALUE"), e.getMessage());
            assertEquals(1, copies.registrations.size());
            assertEquals(1, copies.unregisterCalls);
            assertEquals(0, copies.liveRegisteredBytes());
        }
    }

    @Test
    void switchingModeDuringARequestLeavesItsUploadsAlone() {
        try (ExpertStaging s = open("copy", 1.0)) {
            StageLease inFlight = s.lease(0, new Run(0, 4));      // a request's layer upload in flight on the copy cache
            long cacheBlock = copies.registrations.getFirst().address();
            assertEquals(PinMode.REGISTER, s.switchTo(PinMode.REGISTER));
            // The old cache is still pinned and still holds the experts the upload reads.
            assertTrue(copies.live.stream().anyMatch(r -> r.address() == cacheBlock), "cache unpinned under a running upload");
            var device = upload(inFlight, 4 * MIB);
            for (int i = 0; i < 4; i++) assertTrue(fixture.holds(device.memory, i * MIB, 0, i), "expert " + i);
            // New leases come from the registered mapping.
            try (StageLease next = s.lease(0, new Run(0, 1))) {
                assertEquals(fixture.tensors.getFirst().address(), next.spans().getFirst().hostAddress());
            }
            assertEquals(PinMode.REGISTER, s.mode());
            inFlight.close();                                       // the request's upload done: the cache goes
            assertFalse(copies.live.stream().anyMatch(r -> r.address() == cacheBlock));
            assertEquals(18 * MIB, copies.liveRegisteredBytes());
            assertEquals(PinMode.OFF, s.switchTo(PinMode.OFF));
            assertEquals(0, copies.liveRegisteredBytes());          // nothing in flight: unpinned at once
        }
    }

    @Test
    void everyRangeEverPinnedIsTwoMibAlignedInEveryMode() {
        try (ExpertStaging s = open("copy", 1.0)) {
            for (int e = 0; e < 8; e++) s.lease(1, new Run(e, 1)).close();
            s.switchTo(PinMode.REGISTER);
            s.lease(0, new Run(0, 8)).close();
        }
        assertEquals(2, copies.registrations.size());
        for (var r : copies.registrations) {
            assertEquals(0, r.address() % (2 * MIB), r::toString);
            assertEquals(0, r.bytes() % (2 * MIB), r::toString);
        }
    }

    @Test
    void badFlagValuesNameTheFlag() {
        assertEquals("--expert-pin: 'pinned' is not one of off, copy, register",
                assertThrows(IllegalArgumentException.class, () -> PinMode.parse("pinned")).getMessage());
        assertEquals("--pin-cache-gib: -1.0 is not a size in GiB ≥ 0",
                assertThrows(IllegalArgumentException.class, () -> StagingOptions.of(null, -1.0, false, 0)).getMessage());
    }
}
