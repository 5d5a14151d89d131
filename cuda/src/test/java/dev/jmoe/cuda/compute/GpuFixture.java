package dev.jmoe.cuda.compute;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmoe.cuda.CudaGpuProbe;
import dev.jmoe.host.topo.GpuProbe;

/** Device 0's context for the GPU tests, or the reason there is none (then each test reports itself skipped). */
final class GpuFixture {
    private static final String UNAVAILABLE;
    private static final CudaContext CONTEXT;

    static {
        GpuProbe.Report report = new CudaGpuProbe().probe();
        UNAVAILABLE = report.available() ? null : "no CUDA device to run on: " + report.reason();
        CONTEXT = report.available() ? CudaContext.open(0) : null;
    }

    private GpuFixture() {}

    /** Device 0's primary context; skips the calling test where there is no device. */
    static CudaContext context() {
        assumeTrue(UNAVAILABLE == null, UNAVAILABLE);
        CONTEXT.current();
        return CONTEXT;
    }
}
