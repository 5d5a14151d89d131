package dev.jmoe.cuda;

import dev.jmoe.host.engine.BackendProvider;
import dev.jmoe.host.model.GpuDevice;
import dev.jmoe.host.topo.GpuProbe;

import java.util.List;

/**
 * The CUDA backend as the engine finds it. For now it only probes (through {@link CudaGpuProbe}) and
 * is never usable: without a driver or device it says which; with a device it lists it (so a plan for
 * it can be shown) and says the CUDA forward pass is not built yet. The planning figure is the device's
 * total memory: its free memory needs a context, which this probe does not create.
 */
public final class CudaBackendProvider implements BackendProvider {
    static final String NOT_BUILT = "the CUDA forward pass is not built yet";

    private final GpuProbe probe;

    public CudaBackendProvider() {
        this(new CudaGpuProbe());
    }

    CudaBackendProvider(GpuProbe probe) {
        this.probe = probe;
    }

    @Override
    public Status status() {
        GpuProbe.Report report = probe.probe();
        if (!report.available()) return Status.unusable(report.reason() == null ? "unknown" : report.reason(), List.of());
        List<GpuDevice> devices = report.devices().stream()
                .map(d -> new GpuDevice(d.index(), d.name(), d.memoryBytes()))
                .toList();
        String found = String.join(", ", devices.stream().map(g -> g.device().bufferName() + " " + g.name()).toList());
        return Status.unusable(NOT_BUILT + " (found " + found + ")", devices);
    }
}
