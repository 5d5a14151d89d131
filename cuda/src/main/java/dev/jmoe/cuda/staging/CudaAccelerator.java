package dev.jmoe.cuda.staging;

import dev.jmoe.host.server.Accelerator;
import dev.jmoe.host.server.PrometheusText;

/** What the server reports about the GPU backend: its placement line, the pin mode, the PCIe meter; and the pin switch. */
public final class CudaAccelerator implements Accelerator {
    private final String placement;
    private final ExpertStaging staging;
    private final PcieMeter meter;

    public CudaAccelerator(String placement, ExpertStaging staging, PcieMeter meter) {
        this.placement = placement;
        this.staging = staging;
        this.meter = meter;
    }

    @Override
    public String placement() {
        return placement;
    }

    @Override
    public String pinMode() {
        return staging.mode().flag();
    }

    @Override
    public void writeMetrics(PrometheusText out) {
        PcieMetrics.write(meter, out);
    }

    /** Switches without disturbing requests in flight; a refused mode falls back as at load (the mode in force is reported). */
    @Override
    public void setPinMode(String mode) {
        staging.switchTo(PinMode.parse(mode));
    }
}
