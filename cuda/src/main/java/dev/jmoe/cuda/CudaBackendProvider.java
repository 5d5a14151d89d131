package dev.jmoe.cuda;

import dev.jmoe.cuda.compute.CudaBackend;
import dev.jmoe.cuda.compute.SelfCheck;
import dev.jmoe.host.engine.Backend;
import dev.jmoe.host.engine.BackendProvider;
import dev.jmoe.host.engine.DeviceBackend;
import dev.jmoe.host.engine.DeviceTensor;
import dev.jmoe.host.engine.OffloadOptions;
import dev.jmoe.host.model.GpuDevice;
import dev.jmoe.host.topo.GpuProbe;

import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The CUDA backend as the engine finds it. {@link #status} probes (through {@link CudaGpuProbe}): without a
 * driver or device it says which; with devices it runs {@link SelfCheck} on device 0 once (our PTX JIT-compiled
 * and a known product computed there), and offers the devices only when that passes. The planning figure is
 * the device's total memory (free memory needs a context); {@link #open} checks the real free memory before
 * copying weights.
 */
public final class CudaBackendProvider implements BackendProvider {
    private final GpuProbe probe;
    private final IntFunction<Optional<String>> selfCheck;
    private Status status;

    public CudaBackendProvider() {
        this(new CudaGpuProbe(), SelfCheck::run);
    }

    CudaBackendProvider(GpuProbe probe, IntFunction<Optional<String>> selfCheck) {
        this.probe = probe;
        this.selfCheck = selfCheck;
    }

    @Override
    public synchronized Status status() {
        if (status == null) status = probeAndCheck();
        return status;
    }

    private Status probeAndCheck() {
        GpuProbe.Report report = probe.probe();
        if (!report.available()) return Status.unusable(report.reason() == null ? "unknown" : report.reason(), List.of());
        List<GpuDevice> devices = report.devices().stream()
                .map(d -> new GpuDevice(d.index(), d.name(), d.memoryBytes()))
                .toList();
        Optional<String> failure = selfCheck.apply(devices.getFirst().index());
        if (failure.isPresent()) {
            String found = String.join(", ", devices.stream().map(g -> g.device().bufferName() + " " + g.name()).toList());
            return Status.unusable(failure.get() + " (found " + found + ")", devices);
        }
        return new Status(true, "", devices);
    }

    @Override
    public DeviceBackend open(List<DeviceTensor> tensors, int expertsUsed, OffloadOptions offload, Backend host) {
        if (!status().usable()) throw new IllegalStateException(status().reason());
        return CudaBackend.open(tensors, expertsUsed, offload, host);
    }
}
