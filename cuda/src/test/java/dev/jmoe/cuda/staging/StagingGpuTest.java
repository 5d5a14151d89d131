package dev.jmoe.cuda.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmoe.cuda.JCudaDeviceCopies;
import dev.jmoe.host.engine.ExpertRuns;
import dev.jmoe.host.mem.ByteSize;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Staging on a real device, in each pin mode: the uploaded slot holds exactly the routed experts' bytes at the
 * offsets the staged layer names, and the meter counts exactly those bytes. Skipped without a driver.
 */
@Tag("gpu")
class StagingGpuTest {

    private static boolean driver() {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup("libcuda.so.1", arena);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @ParameterizedTest
    @EnumSource(PinMode.class)
    void routedExpertsArriveWhereTheStagedLayerSays(PinMode mode) {
        assumeTrue(driver(), "no libcuda.so.1 here");
        long mib = ByteSize.MIB;
        List<String> warnings = new ArrayList<>();
        try (var copies = JCudaDeviceCopies.open(0);
             var fixture = new ExpertFixture(64 * 1024, new long[] {mib, 8}, new long[] {mib, 8}, new long[] {mib, 8})) {
            PcieMeter meter = new PcieMeter();
            var options = StagingOptions.of(mode.flag(), 1.0, false, 0);
            try (var staging = ExpertStaging.open(fixture.tensors, copies, options, meter, warnings::add);
                 var up = new ExpertUploader(copies, staging, meter, 2, 24 * mib);
                 var compute = copies.newStream();
                 Arena arena = Arena.ofConfined()) {
                assertEquals(mode, staging.mode(), () -> "fell back: " + warnings);
                up.begin();
                var runs = ExpertRuns.of(new int[] {6, 1, 2, 6}, 8); // [1, 2], [6]
                var staged = up.upload(new int[] {0, 1, 2}, runs);
                compute.waitFor(staged.uploaded());
                up.computed(staged, compute.record(), compute.record());
                MemorySegment back = arena.allocate(staged.bytes(), 64);
                compute.toHost(back.address(), staged.buffer(), 0, staged.bytes());
                compute.synchronize();
                for (int p = 0; p < 3; p++) {
                    for (int e : new int[] {1, 2, 6}) assertTrue(fixture.holds(back, staged.offset(p, e), p, e), p + "/" + e);
                }
                PcieSnapshot s = up.finish();
                assertEquals(9 * mib, s.bytes());
                System.out.println("staging " + mode.flag() + ": " + s.line());
            }
        }
    }
}
