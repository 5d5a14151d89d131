package dev.jmoe.host.topo;

import java.util.List;

/**
 * Test double for the cuda module's {@link GpuProbe} (CI has no GPU): returns a fixed report.
 * Deliberately not registered with ServiceLoader, so it never leaks into another module's tests
 * through the host test-jar; tests hand it over explicitly.
 */
final class FakeGpuProbe implements GpuProbe {
    private final Report report;

    FakeGpuProbe(Report report) {
        this.report = report;
    }

    /**
     * Two devices whose bus ids have PCI directories in the {@code two-node} fixture: the first in
     * sysfs spelling, the second in the 8-digit-domain upper-case spelling CUDA prints.
     */
    static FakeGpuProbe twoGpus() {
        return new FakeGpuProbe(new Report(true, "", List.of(
                new Device(0, "NVIDIA H100 PCIe", 85_031_714_816L, 9, 0, "0000:17:00.0"),
                new Device(1, "NVIDIA L40S", 48_305_799_168L, 8, 9, "00000000:CA:00.0"))));
    }

    @Override
    public Report probe() {
        return report;
    }
}
