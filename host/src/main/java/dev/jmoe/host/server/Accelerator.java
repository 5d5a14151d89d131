package dev.jmoe.host.server;

/**
 * What the server reports about, and asks of, a GPU backend: the placement, the expert pin mode, the PCIe
 * meter in {@code /metrics}, and the run-time pin switch behind {@code POST /admin/expert-pin}. The CPU-only
 * engine has none ({@link #none}); the CUDA backend provides its own.
 */
public interface Accelerator {
    /** One line on where the tensors live, for {@code /props}. */
    String placement();

    /** {@code none} without a GPU; otherwise off, copy or register. */
    String pinMode();

    /** Appends the backend's own metrics (PCIe bytes, GB/s of the last prefill, pin-cache hits and misses). */
    void writeMetrics(PrometheusText out);

    /** Switches the pin mode; throws {@link UnsupportedOperationException} when nothing can be pinned. */
    void setPinMode(String mode);

    /** No GPU: everything on the CPU, nothing to pin, no meter. */
    static Accelerator none(String placement) {
        return new Accelerator() {
            @Override
            public String placement() {
                return placement;
            }

            @Override
            public String pinMode() {
                return "none";
            }

            @Override
            public void writeMetrics(PrometheusText out) {
            }

            @Override
            public void setPinMode(String mode) {
                throw new UnsupportedOperationException("no GPU backend: nothing to pin");
            }
        };
    }
}
