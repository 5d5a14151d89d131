package dev.jmoe.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.jmoe.host.topo.GpuProbe;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import org.junit.jupiter.api.Test;

class CudaGpuProbeTest {

    @Test
    void serviceLoaderFindsTheCudaProbe() {
        GpuProbe probe = GpuProbe.installed().orElseThrow(() -> new AssertionError("no GpuProbe on the class path"));
        assertInstanceOf(CudaGpuProbe.class, probe);
    }

    @Test
    void withoutTheDriverTheProbeSaysSoEveryTime() {
        assumeFalse(driverLibraryLoads(), "libcuda.so.1 is installed here: the GPU tests cover this machine");
        for (int attempt = 1; attempt <= 2; attempt++) { // the second attempt meets an uninitialisable JCudaDriver class
            GpuProbe.Report report = new CudaGpuProbe().probe();
            assertFalse(report.available(), "attempt " + attempt);
            assertEquals("no CUDA driver (libcuda.so.1 not found)", report.reason(), "attempt " + attempt);
            assertTrue(report.devices().isEmpty());
        }
    }

    /** Independent of JCuda: can the dynamic loader find the NVIDIA driver library at all? */
    static boolean driverLibraryLoads() {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup("libcuda.so.1", arena);
            return true;
        } catch (IllegalArgumentException notFound) {
            return false;
        }
    }
}
