package dev.jmoe.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmoe.host.engine.BackendProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** On a GPU machine: the provider lists the real devices with their memory, and still says it is not usable. */
@Tag("gpu")
class CudaBackendProviderGpuTest {

    @Test
    void listsTheDevicesWithTheirMemory() {
        BackendProvider.Status status = new CudaBackendProvider().status();
        assertFalse(status.devices().isEmpty(), status.reason());
        status.devices().forEach(d -> assertTrue(d.freeBytes() > 0, d.toString()));
        assertFalse(status.usable());
        assertTrue(status.reason().startsWith(CudaBackendProvider.NOT_BUILT), status.reason());
    }
}
