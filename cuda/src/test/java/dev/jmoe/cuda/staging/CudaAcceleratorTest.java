package dev.jmoe.cuda.staging;

import dev.jmoe.host.engine.ExpertRuns.Run;
import dev.jmoe.host.mem.ByteSize;
import dev.jmoe.host.server.PrometheusText;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CudaAcceleratorTest {

    @Test
    void metricsCarryTheMeterAndThePinSwitchReachesTheStaging() {
        List<String> warnings = new ArrayList<>();
        try (var copies = new FakeDeviceCopies();
             var fixture = new ExpertFixture(0, new long[] {ByteSize.MIB, 4})) {
            PcieMeter meter = new PcieMeter();
            var staging = ExpertStaging.open(fixture.tensors, copies, StagingOptions.of("copy", 1.0, false, 0), meter,
                    warnings::add);
            var acc = new CudaAccelerator("all layers on CUDA0, experts on the host", staging, meter);
            meter.beginPrefill();
            staging.lease(0, new Run(0, 2)).close();  // 2 misses
            staging.lease(0, new Run(1, 1)).close();  // 1 hit
            meter.upload(3_000_000, 2, 0, 1);            // 3 MB in 1 ms = 3 GB/s
            meter.compute(0.5, 2);                       // half the copy hidden
            meter.endPrefill();
            PrometheusText out = new PrometheusText();
            acc.writeMetrics(out);
            String text = out.toString();
            for (String line : List.of("jmoe_pcie_upload_bytes_total 3000000", "jmoe_pcie_uploads_total 2",
                    "jmoe_pcie_last_prefill_gbps 3", "jmoe_pcie_last_prefill_overlap_ratio 0.500000",
                    "jmoe_pin_cache_hits_total 1", "jmoe_pin_cache_misses_total 2", "jmoe_pin_cache_evictions_total 0",
                    "jmoe_pinned_bytes " + 4 * ByteSize.MIB)) {
                assertTrue(text.contains("\n" + line + "\n"), line + " in\n" + text);
            }
            assertTrue(text.contains("# TYPE jmoe_pcie_copy_seconds_total counter"), text);
            assertEquals("copy", acc.pinMode());
            acc.setPinMode("register");
            assertEquals("register", acc.pinMode());
            assertTrue(warnings.isEmpty());
        }
    }
}
