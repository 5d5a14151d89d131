package dev.jmoe.host.engine;

import dev.jmoe.host.model.GpuDevice;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A GPU backend that can plug into the engine, found through {@link ServiceLoader} (the {@code cuda}
 * module provides one), so {@code host} alone never touches JCuda. {@link #status} says what it finds;
 * {@link #open} copies the tensors a plan put on its GPUs there and returns the backend that runs their ops.
 */
public interface BackendProvider {

    /** What this backend finds on this machine. Must not throw: a missing driver or device is a status, not an error. */
    Status status();

    /**
     * A backend that runs, on the GPUs this provider found usable, the ops whose weights the plan put there
     * ({@code tensors} placed on a GPU, copied there now), stages the host expert tensors among {@code tensors}
     * for large micro-batches as {@code offload} says ({@code expertsUsed} per token), and hands every other op to
     * {@code host}. Throws with a message naming what failed (a CUDA error, too little device memory); the engine
     * then runs CPU-only.
     */
    default DeviceBackend open(List<DeviceTensor> tensors, int expertsUsed, OffloadOptions offload, Backend host) {
        throw new UnsupportedOperationException("this backend cannot run layers");
    }

    /**
     * What a provider found.
     *
     * @param usable  whether the engine can run layers on {@code devices}
     * @param reason  why not, when not usable (no driver, no device, backend not built)
     * @param devices the GPUs found, usable or not (a plan for them can still be shown)
     */
    record Status(boolean usable, String reason, List<GpuDevice> devices) {
        public Status {
            devices = List.copyOf(devices);
            if (!usable && (reason == null || reason.isBlank())) throw new IllegalArgumentException("an unusable backend needs a reason");
        }

        public static Status unusable(String reason, List<GpuDevice> devices) {
            return new Status(false, reason, devices);
        }
    }

    /** The provider on the class path, if the cuda module is there. */
    static Optional<BackendProvider> installed() {
        return ServiceLoader.load(BackendProvider.class).findFirst();
    }
}
