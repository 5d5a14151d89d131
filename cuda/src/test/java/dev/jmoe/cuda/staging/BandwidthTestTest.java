package dev.jmoe.cuda.staging;

import dev.jmoe.host.mem.ByteSize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bandwidth test's plumbing through the double: which memory is pinned, and GB/s from event times. */
class BandwidthTestTest {

    @Test
    void eachKindIsMeasuredFromTheMemoryItNamesAndRatesComeFromEventTimes(@TempDir Path dir) throws Exception {
        try (var copies = new FakeDeviceCopies()) {
            // The double moves 10^7 B/ms (10 GB/s) from pinned memory, 4·10^6 B/ms (4 GB/s) from pageable.
            var rows = new BandwidthTest(copies, 3, dir).run(List.of(ByteSize.MIB, 4 * ByteSize.MIB));
            assertEquals(8, rows.size());
            List<String> kinds = rows.stream().limit(4).map(BandwidthTest.Row::memory).toList();
            assertEquals(List.of("pageable", "pinned (cuMemHostAlloc)", "registered anonymous",
                    "registered mmap file (read-only)"), kinds);
            double[] h2d = {4, 10, 10, 10};
            double[] d2h = {4, 10, 10, Double.NaN};
            for (int i = 0; i < rows.size(); i++) {
                var r = rows.get(i);
                assertEquals(i < 4 ? ByteSize.MIB : 4 * ByteSize.MIB, r.bytes());
                assertEquals(h2d[i % 4], r.hostToDeviceGbps(), 1e-9, r::toString);
                assertEquals(d2h[i % 4], r.deviceToHostGbps(), 1e-9, r::toString);
            }
            // 4 timed rows per size × (1 warm-up + 3) copies each way, the file one way only: 7 × 4 × 2.
            assertEquals(56, copies.copies.size());
            assertEquals(2, copies.hostAllocCalls);
            assertEquals(4, copies.registrations.size());
            assertTrue(copies.registrations.get(1).readOnly());   // the file's pages
            assertFalse(copies.registrations.get(0).readOnly());  // the anonymous block
            assertEquals(0, copies.liveRegisteredBytes());
            try (var files = Files.list(dir)) {
                assertEquals(0, files.count(), "scratch files left behind");
            }
        }
    }
}
