package dev.jmoe.host.topo;

import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.ServiceConfigurationError;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CudaDevicesTest {
    private final PciLinkReader links = new PciLinkReader(TopoFixtures.sys("two-node"));

    @Test
    void withoutAProbeTheBackendIsMissing() {
        CudaDevices cuda = CudaDevices.probe(Optional::empty, links);
        assertFalse(cuda.available());
        assertEquals("CUDA backend not on the class path", cuda.reason());
        assertTrue(cuda.devices().isEmpty());
    }

    @Test
    void theProbesReasonIsPassedOn() {
        var probe = new FakeGpuProbe(GpuProbe.Report.unavailable("no CUDA driver (libcuda.so.1 not found)"));
        CudaDevices cuda = CudaDevices.probe(() -> Optional.of(probe), links);
        assertFalse(cuda.available());
        assertEquals("no CUDA driver (libcuda.so.1 not found)", cuda.reason());
    }

    @Test
    void aProbeThatThrowsIsReportedNotPropagated() {
        GpuProbe broken = () -> {
            throw new UnsatisfiedLinkError("libJCudaDriver-12.6.0-linux-x86_64.so");
        };
        CudaDevices cuda = CudaDevices.probe(() -> Optional.of(broken), links);
        assertFalse(cuda.available());
        assertTrue(cuda.reason().startsWith("probe failed: java.lang.UnsatisfiedLinkError"), cuda.reason());
    }

    @Test
    void aProbeThatCannotBeLoadedIsReportedNotPropagated() {
        CudaDevices cuda = CudaDevices.probe(() -> {
            throw new ServiceConfigurationError("dev.jmoe.cuda.CudaGpuProbe could not be instantiated");
        }, links);
        assertFalse(cuda.available());
        assertTrue(cuda.reason().contains("could not be instantiated"), cuda.reason());
    }

    @Test
    void devicesGetTheirLinksFromSysfs() {
        CudaDevices cuda = CudaDevices.probe(() -> Optional.of(FakeGpuProbe.twoGpus()), links);
        assertTrue(cuda.available());
        assertEquals(2, cuda.devices().size());
        assertEquals(1, cuda.devices().get(0).link().orElseThrow().numaNode());
        assertEquals("0000:ca:00.0", cuda.devices().get(1).link().orElseThrow().busId());
    }
}
