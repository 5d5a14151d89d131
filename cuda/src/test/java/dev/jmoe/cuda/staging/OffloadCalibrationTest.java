package dev.jmoe.cuda.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmoe.cuda.compute.ExpertProduct;
import dev.jmoe.cuda.compute.OffloadCalibration;
import dev.jmoe.cuda.compute.ReferenceProduct;
import dev.jmoe.host.engine.CpuBackend;
import dev.jmoe.host.engine.OffloadCosts;
import dev.jmoe.host.engine.OffloadRule;
import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.kernel.RowDots;
import dev.jmoe.host.kernel.WorkerPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * {@code --offload-batch-size auto} measured at load on the fake device, whose pinned copies run at its configured
 * 10 GB/s, with the CPU time taken from the real host backend on real Q8_0 expert tensors, and the GPU's from a
 * product double that checks what it was handed and takes at least a known time.
 */
class OffloadCalibrationTest {

    @Test
    void theLinksPinnedBandwidthAndTheHostsExpertTimeMakeTheRule() throws Exception {
        try (Arena arena = Arena.ofConfined();
             FakeDeviceCopies copies = new FakeDeviceCopies();
             WorkerPool pool = new WorkerPool(1, "calibration-test")) {
            OffloadCalibration.Layer layer = new OffloadCalibration.Layer(experts(arena, 256, 128), experts(arena, 256, 128), experts(arena, 128, 256));
            CpuBackend cpu = new CpuBackend(pool, RowDots.preferred());
            List<String> calls = new ArrayList<>();
            ExpertProduct gpu = (address, type, cols, rows, x, tokens, out) -> {
                // The device bytes at address are one expert's matrix of that shape: all quants 1, scale 1/64,
                // so each output is the token's activation sum / 64 (the reference product says the same).
                ReferenceProduct.atAddress(address, type, cols, rows, x, tokens, out);
                float sum = 0;
                for (int k = 0; k < cols; k++) sum += x[k];
                assertEquals(sum / 64, out[0], 1e-3f, "token 0, row 0");
                assertTrue(copies.isDeviceRange(address, (long) rows * cols / 32 * 34), "weights on the device");
                calls.add(type + " " + cols + "x" + rows + " x" + tokens);
                LockSupport.parkNanos(2_000_000);
            };
            OffloadCosts costs = OffloadCalibration.costs(layer, 2, copies, gpu, cpu);
            assertEquals(10e9, costs.pinnedBytesPerSecond(), 1, "the fake's pinned rate is 10 GB/s");
            assertEquals(3L * 128 * 256 / 32 * 34, costs.expertBytes(), "one expert's gate, up and down Q8_0 rows");
            assertEquals(16, costs.experts());
            assertTrue(costs.cpuSecondsPerToken() > 0 && costs.cpuSecondsPerToken() < 1, "CPU s/token " + costs.cpuSecondsPerToken());
            assertEquals(List.of("Q8_0 256x128 x32", "Q8_0 256x128 x32", "Q8_0 128x256 x32"), calls.subList(0, 3), "gate, up, down of one expert");
            assertEquals(9, calls.size(), "three runs");
            assertTrue(costs.gpuSecondsPerToken() >= 3 * 2e-3 / 32 * 2, "3 products of at least 2 ms over 32 tokens, 2 experts per token: "
                    + costs.gpuSecondsPerToken());
            OffloadRule rule = OffloadCalibration.measure(layer, 2, copies, gpu, cpu);
            assertTrue(rule.reason().startsWith("offload: auto: "), rule.reason());
        }
    }

    /** 16 experts of rows x cols Q8_0 weights, every scale 1/64 and every quant 1. */
    private static ExpertWeights experts(Arena arena, int cols, int rows) {
        long blocks = 16L * rows * cols / 32;
        MemorySegment s = arena.allocate(blocks * 34, 64);
        for (long b = 0; b < blocks; b++) {
            s.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, b * 34, Float.floatToFloat16(1f / 64));
            for (int j = 0; j < 32; j++) s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, b * 34 + 2 + j, (byte) 1);
        }
        return new ExpertWeights(s, GgmlType.Q8_0, cols, rows, 16);
    }
}
