package dev.jmoe.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmoe.host.engine.BackendProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** On a GPU machine: the provider lists the real devices with their memory, and its self-check passes there. */
@Tag("gpu")
class CudaBackendProviderGpuTest {

    @Test
    void listsTheDevicesWithTheirMemory() {
        var report = new CudaGpuProbe().probe();
        assumeTrue(report.available(), "no CUDA device to run on: " + report.reason());
        BackendProvider.Status status = new CudaBackendProvider().status();
        assertFalse(status.devices().isEmpty(), status.reason());
        status.devices().forEach(d -> assertTrue(d.freeBytes() > 0, d.toString()));
        assertTrue(status.usable(), status.reason());
    }
}
