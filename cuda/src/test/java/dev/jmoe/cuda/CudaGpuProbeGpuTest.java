package dev.jmoe.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmoe.host.topo.GpuProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** On a machine with the NVIDIA driver, the probe's findings agree with what the kernel shows in sysfs. */
@Tag("gpu")
class CudaGpuProbeGpuTest {

    @Test
    void devicesMatchThePciDevicesOfTheKernel() {
        assumeTrue(CudaGpuProbeTest.driverLibraryLoads(), "no libcuda.so.1 here: nothing to probe");
        GpuProbe.Report report = new CudaGpuProbe().probe();
        assertTrue(report.available(), () -> "driver present but probe failed: " + report.reason());
        assertFalse(report.devices().isEmpty());
        for (GpuProbe.Device d : report.devices()) {
            System.out.println("probe: " + d);
            Path sysfs = Path.of("/sys/bus/pci/devices", d.pciBusId());
            assertTrue(Files.isDirectory(sysfs), () -> d + ": no PCI device " + sysfs);
            assertTrue(d.ccMajor() >= 3 && d.memoryBytes() > 0 && !d.name().isBlank(), d::toString);
        }
    }
}
