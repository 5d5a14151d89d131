package dev.jmoe.cuda.staging;

import dev.jmoe.host.engine.ExpertRuns;
import dev.jmoe.host.engine.ExpertRuns.Run;
import dev.jmoe.host.mem.ByteSize;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExpertUploaderTest {
    private static final long MIB = ByteSize.MIB;
    private final FakeDeviceCopies copies = new FakeDeviceCopies();
    private final PcieMeter meter = new PcieMeter();
    // 4 layers × (gate, up, down), each 4 experts of 1 MiB.
    private final ExpertFixture fixture = new ExpertFixture(0, shapes(12));

    private static long[][] shapes(int n) {
        long[][] s = new long[n][];
        for (int i = 0; i < n; i++) s[i] = new long[] {MIB, 4};
        return s;
    }

    @AfterEach
    void close() {
        fixture.close();
        copies.close();
    }

    private static int[] layer(int l) {
        return new int[] {3 * l, 3 * l + 1, 3 * l + 2};
    }

    @Test
    void uploadsOverlapComputeAndASlotIsRewrittenOnlyAfterItsComputeEnds() {
        copies.pinnedBytesPerMs = 10_000_000;
        ExpertStaging staging = ExpertStaging.open(fixture.tensors, copies, StagingOptions.of("register", null, false, 0),
                meter, w -> {});
        var compute = (FakeDeviceCopies.FakeStream) copies.newStream();
        List<Run> runs = ExpertRuns.of(new int[] {1, 2}, 4); // one run: experts 1, 2
        try (ExpertUploader up = new ExpertUploader(copies, staging, meter, 2, 12 * MIB)) {
            up.begin();
            // The order a prefill issues them in: the next layer's upload before this layer's GEMMs.
            var l0 = up.upload(layer(0), runs);
            var l1 = up.upload(layer(1), runs);
            gemms(up, compute, l0);
            var l2 = up.upload(layer(2), runs);
            gemms(up, compute, l1);
            var l3 = up.upload(layer(3), runs);
            gemms(up, compute, l2);
            gemms(up, compute, l3);
            PcieSnapshot s = up.finish();
            // 6 MiB per layer (3 tensors × 2 experts) at 10 GB/s = c = 0.629 ms. Copies at [0,c], [c,2c],
            // then layer 2 waits for layer 0's compute [c, c+1]: [c+1, 2c+1]; layer 3 for layer 1's [c+1, c+2]:
            // [c+2, 2c+2]. Compute runs c .. c+4 without a gap, hiding all copy time but layer 0's: 3c of 4c.
            double c = 6.0 * MIB / 10_000_000;
            assertEquals(24 * MIB, s.bytes());
            assertEquals(12, s.copies());            // one copy per run per tensor
            assertEquals(4 * c / 1e3, s.copySeconds(), 1e-12);
            assertEquals(10.0, s.gbPerSecond(), 1e-9);
            assertEquals(0.75, s.overlap(), 1e-12);
            var layer2 = copies.copies.stream().filter(x -> x.hostAddress() == fixture.tensors.get(6).expertAddress(1)).findFirst().orElseThrow();
            assertEquals(c + 1, layer2.startMs(), 1e-9);
        }
    }

    /** The compute stream waits for the layer's experts, then runs its GEMMs for 1 ms. */
    private static void gemms(ExpertUploader up, FakeDeviceCopies.FakeStream compute, ExpertUploader.StagedLayer l) {
        compute.waitFor(l.uploaded());
        var start = compute.record();
        compute.busy(1.0);
        up.computed(l, start, compute.record());
    }

    @Test
    void expertsLandWhereTheStagedLayerSaysAndOnlyTheRoutedOnes() {
        ExpertStaging staging = ExpertStaging.open(fixture.tensors, copies, StagingOptions.of("copy", 1.0, false, 0),
                meter, w -> {});
        var compute = copies.newStream();
        try (ExpertUploader up = new ExpertUploader(copies, staging, meter, 2, 12 * MIB)) {
            up.begin();
            List<Run> runs = ExpertRuns.of(new int[] {3, 0, 3}, 4); // runs [0], [3]
            var staged = up.upload(layer(1), runs);
            var device = ((FakeDeviceCopies.FakeBuffer) staged.buffer()).memory;
            for (int p = 0; p < 3; p++) {
                assertEquals(-1, staged.offset(p, 1));
                assertEquals(-1, staged.offset(p, 2));
                for (int e : new int[] {0, 3}) assertTrue(fixture.holds(device, staged.offset(p, e), 3 + p, e), p + "/" + e);
            }
            assertEquals(6 * MIB, staged.bytes());
            up.computed(staged, compute.record(), compute.record());
            PcieSnapshot s = up.finish();
            assertEquals(6 * MIB, s.bytes());
            assertEquals(6, s.misses());
            // Every lease was released at finish: switching mode frees the cache at once.
            staging.switchTo(PinMode.OFF);
            assertEquals(0, copies.liveRegisteredBytes());
        }
    }

    @Test
    void reusingASlotWhoseComputeWasNotReportedIsAnError() {
        ExpertStaging staging = ExpertStaging.open(fixture.tensors, copies, StagingOptions.of("off", null, false, 0),
                meter, w -> {});
        try (ExpertUploader up = new ExpertUploader(copies, staging, meter, 2, 12 * MIB)) {
            up.begin();
            List<Run> all = List.of(new Run(0, 4));
            up.upload(layer(0), all);
            up.upload(layer(1), all);
            var e = assertThrows(IllegalStateException.class, () -> up.upload(layer(2), all));
            assertTrue(e.getMessage().startsWith("staging slot 0 is still read"), e.getMessage());
        }
    }
}
