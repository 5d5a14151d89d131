package dev.jmoe.host.topo;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Lists the CUDA devices of this machine. Implemented by the {@code cuda} module and found through
 * {@link ServiceLoader}, so {@code host} alone never touches JCuda.
 */
public interface GpuProbe {

    /** The devices found, or {@code available = false} with the reason (no driver, no device, library missing). */
    Report probe();

    /** One CUDA device as the driver reports it. {@code pciBusId} is sysfs style, e.g. {@code 0000:1b:00.0}. */
    record Device(int index, String name, long memoryBytes, int ccMajor, int ccMinor, String pciBusId) {}

    /** What a probe found. */
    record Report(boolean available, String reason, List<Device> devices) {
        public static Report unavailable(String reason) {
            return new Report(false, reason, List.of());
        }
    }

    /** The probe on the class path, if the cuda module is there. */
    static Optional<GpuProbe> installed() {
        return ServiceLoader.load(GpuProbe.class).findFirst();
    }
}
