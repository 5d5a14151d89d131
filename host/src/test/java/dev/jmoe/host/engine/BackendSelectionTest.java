package dev.jmoe.host.engine;

import dev.jmoe.host.model.GpuDevice;
import dev.jmoe.host.model.PlacementRules;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which GPUs a plan gets, and the one line when it wanted one and gets none. Providers here are test doubles. */
class BackendSelectionTest {
    private final List<String> notices = new ArrayList<>();

    @Test
    void cpuOnlyRulesDoNotLookForABackend() {
        List<GpuDevice> gpus = BackendSelection.gpus(PlacementRules.cpuOnly(),
                () -> { throw new AssertionError("-ngl 0 must not load a GPU backend"); }, notices::add);
        assertTrue(gpus.isEmpty());
        assertTrue(notices.isEmpty(), notices.toString());
    }

    @Test
    void noBackendOnTheClassPathIsOneLine() {
        assertTrue(BackendSelection.gpus(PlacementRules.defaults(), Optional::empty, notices::add).isEmpty());
        assertEquals(List.of("no CUDA device: CUDA backend not on the class path; running CPU-only"), notices);
    }

    @Test
    void anUnusableBackendSaysWhyOnce() {
        BackendProvider noDriver = () -> BackendProvider.Status.unusable("no CUDA driver (libcuda.so.1 not found)", List.of());
        assertTrue(BackendSelection.gpus(PlacementRules.defaults(), () -> Optional.of(noDriver), notices::add).isEmpty());
        assertEquals(List.of("no CUDA device: no CUDA driver (libcuda.so.1 not found); running CPU-only"), notices);
    }

    @Test
    void devicesWithoutAUsableBackendAreNamedAsSuch() {
        BackendProvider failedCheck = () -> BackendProvider.Status.unusable("self-check failed on CUDA0: CUDA_ERROR_INVALID_PTX",
                List.of(new GpuDevice(0, "fixture", 1L << 34)));
        assertTrue(BackendSelection.gpus(PlacementRules.defaults(), () -> Optional.of(failedCheck), notices::add).isEmpty());
        assertEquals(List.of("CUDA backend unusable: self-check failed on CUDA0: CUDA_ERROR_INVALID_PTX; running CPU-only"), notices);
    }

    @Test
    void aProviderThatThrowsIsReportedNotRaised() {
        BackendProvider broken = () -> { throw new UnsatisfiedLinkError("libjcuda.so: bad ELF"); };
        assertTrue(BackendSelection.gpus(PlacementRules.defaults(), () -> Optional.of(broken), notices::add).isEmpty());
        assertEquals(1, notices.size());
        assertTrue(notices.getFirst().startsWith("no CUDA device: GPU backend failed to load: java.lang.UnsatisfiedLinkError: libjcuda.so: bad ELF"), notices.toString());
    }

    @Test
    void aUsableBackendGivesItsDevicesSilently() {
        List<GpuDevice> devices = List.of(new GpuDevice(0, "fixture", 1L << 34));
        BackendProvider usable = () -> new BackendProvider.Status(true, "", devices);
        assertEquals(devices, BackendSelection.gpus(PlacementRules.defaults(), () -> Optional.of(usable), notices::add));
        assertTrue(notices.isEmpty());
    }

    @Test
    void aBackendThatFailsToOpenLeavesTheEngineCpuOnlyWithOneLine() {
        BackendProvider outOfMemory = new UsableProvider() {
            @Override
            public DeviceBackend open(List<DeviceTensor> tensors, int expertsUsed, OffloadOptions offload, Backend host) {
                throw new IllegalStateException("the plan puts 30.00 GiB of weights on CUDA0, which has 23.00 GiB free (less -ngl fits)");
            }
        };
        assertNull(BackendSelection.open(List.of(), 0, OffloadOptions.DEFAULTS, null, () -> Optional.of(outOfMemory), notices::add));
        assertEquals(List.of("CUDA backend failed to open: the plan puts 30.00 GiB of weights on CUDA0, which has 23.00 GiB free"
                + " (less -ngl fits); running CPU-only"), notices);
    }

    @Test
    void aBackendThatOpensIsReturnedSilently() {
        DeviceBackend opened = (DeviceBackend) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DeviceBackend.class}, (proxy, method, args) -> null);
        BackendProvider provider = new UsableProvider() {
            @Override
            public DeviceBackend open(List<DeviceTensor> tensors, int expertsUsed, OffloadOptions offload, Backend host) {
                return opened;
            }
        };
        assertSame(opened, BackendSelection.open(List.of(), 0, OffloadOptions.DEFAULTS, null, () -> Optional.of(provider), notices::add));
        assertTrue(notices.isEmpty(), notices.toString());
    }

    /** A provider that reports one usable fixture device. */
    private abstract static class UsableProvider implements BackendProvider {
        @Override
        public Status status() {
            return new Status(true, "", List.of(new GpuDevice(0, "fixture", 1L << 34)));
        }
    }
}
