package dev.jmoe.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.jmoe.host.engine.BackendProvider;
import dev.jmoe.host.engine.OffloadOptions;
import dev.jmoe.host.model.GpuDevice;
import dev.jmoe.host.topo.GpuProbe;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The CUDA backend as the engine finds it: through ServiceLoader, usable only where its self-check passes, honest about why not. */
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
    void aDeviceWhoseSelfCheckPassesIsOfferedAndTheCheckRunsOnce() {
        int[] checks = {0};
        BackendProvider provider = new CudaBackendProvider(ONE_DEVICE, ordinal -> {
            checks[0]++;
            return Optional.empty();
        });
        BackendProvider.Status status = provider.status();
        assertTrue(status.usable(), status.reason());
        assertEquals(List.of(new GpuDevice(0, "Fake GPU", 24L << 30)), status.devices());
        provider.status();
        assertEquals(1, checks[0], "the self-check (a PTX JIT and a launch) runs once per provider");
    }

    @Test
    void aDeviceWhoseSelfCheckFailsIsListedButNotUsableAndOpenSaysWhy() {
        BackendProvider provider = new CudaBackendProvider(ONE_DEVICE,
                ordinal -> Optional.of("self-check failed on CUDA" + ordinal + ": CUDA_ERROR_INVALID_PTX"));
        BackendProvider.Status status = provider.status();
        assertFalse(status.usable());
        assertEquals("self-check failed on CUDA0: CUDA_ERROR_INVALID_PTX (found CUDA0 Fake GPU)", status.reason());
        assertEquals(1, status.devices().size());
        var e = assertThrows(IllegalStateException.class, () -> provider.open(List.of(), 0, OffloadOptions.DEFAULTS, null));
        assertEquals(status.reason(), e.getMessage());
    }

    private static final GpuProbe ONE_DEVICE = () -> new GpuProbe.Report(true, "",
            List.of(new GpuProbe.Device(0, "Fake GPU", 24L << 30, 9, 0, "0000:01:00.0")));
}
