package dev.jmoe.host.topo;

import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.function.Supplier;

/**
 * The CUDA devices of this machine with their PCIe links, or why there are none.
 *
 * @param reason why CUDA is unavailable; empty when it is available
 */
public record CudaDevices(boolean available, String reason, List<Gpu> devices) {
    static final String NO_BACKEND = "CUDA backend not on the class path";

    public CudaDevices {
        devices = List.copyOf(devices);
    }

    /** One device as the driver reports it, and its link where sysfs has the device. */
    public record Gpu(GpuProbe.Device device, Optional<PciLink> link) {}

    /**
     * Finds the probe ({@link GpuProbe#installed()} outside tests), asks it, and reads each device's
     * link. A probe that cannot be loaded or throws is reported as unavailable: this is a
     * diagnostic, it must still print.
     */
    public static CudaDevices probe(Supplier<Optional<GpuProbe>> finder, PciLinkReader links) {
        GpuProbe.Report report;
        try {
            Optional<GpuProbe> probe = finder.get();
            if (probe.isEmpty()) return new CudaDevices(false, NO_BACKEND, List.of());
            report = probe.get().probe();
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            return new CudaDevices(false, "probe failed: " + e, List.of());
        }
        if (!report.available()) {
            return new CudaDevices(false, report.reason() == null ? "unknown" : report.reason(), List.of());
        }
        List<Gpu> gpus = report.devices().stream()
                .map(d -> new Gpu(d, d.pciBusId() == null ? Optional.empty() : links.read(d.pciBusId())))
                .toList();
        return new CudaDevices(true, "", gpus);
    }
}
