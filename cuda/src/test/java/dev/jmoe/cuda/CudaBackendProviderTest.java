package dev.jmoe.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.jmoe.host.engine.BackendProvider;
import dev.jmoe.host.model.GpuDevice;
import dev.jmoe.host.topo.GpuProbe;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CUDA backend as the engine finds it: through ServiceLoader, never usable yet, honest about why. */
class CudaBackendProviderTest {

    @Test
    void serviceLoaderFindsTheCudaProvider() {
        BackendProvider provider = BackendProvider.installed().orElseThrow(() -> new AssertionError("no BackendProvider on the class path"));
        assertInstanceOf(CudaBackendProvider.class, provider);
    }

    @Test
    void withoutTheDriverItIsUnusableAndSaysSo() {
        assumeFalse(CudaGpuProbeTest.driverLibraryLoads(), "libcuda.so.1 is installed here: the GPU test covers this machine");
        BackendProvider.Status status = new CudaBackendProvider().status();
        assertFalse(status.usable());
        assertEquals("no CUDA driver (libcuda.so.1 not found)", status.reason());
        assertTrue(status.devices().isEmpty());
    }

    @Test
    void withADeviceItListsItButIsNotUsableUntilTheForwardPassExists() {
        GpuProbe oneDevice = () -> new GpuProbe.Report(true, "",
                List.of(new GpuProbe.Device(0, "Fake GPU", 24L << 30, 9, 0, "0000:01:00.0")));
        BackendProvider.Status status = new CudaBackendProvider(oneDevice).status();
        assertFalse(status.usable());
        assertEquals("the CUDA forward pass is not built yet (found CUDA0 Fake GPU)", status.reason());
        assertEquals(List.of(new GpuDevice(0, "Fake GPU", 24L << 30)), status.devices());
    }
}
