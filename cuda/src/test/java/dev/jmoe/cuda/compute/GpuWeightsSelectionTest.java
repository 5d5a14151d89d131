package dev.jmoe.cuda.compute;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmoe.host.engine.DeviceTensor;
import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.model.Device;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Which placed tensors go up to their GPU: matrices and {@code _exps} stacks; per-head stacks and host tensors stay. */
class GpuWeightsSelectionTest {
    private static DeviceTensor tensor(String name, Device device, long... shape) {
        return new DeviceTensor(name, device, GgmlType.Q8_0, shape, MemorySegment.NULL);
    }

    @Test
    void matricesAndExpertStacksOnAGpuGoUpOtherStacksAndHostTensorsDoNot() {
        Device gpu = Device.cuda(0);
        assertTrue(GpuWeights.onDevice(tensor("blk.0.attn_q.weight", gpu, 1024, 2048)));
        assertTrue(GpuWeights.onDevice(tensor("blk.1.ffn_up_exps.weight", gpu, 1024, 512, 8)));
        assertFalse(GpuWeights.onDevice(tensor("blk.1.attn_k_b.weight", gpu, 128, 512, 16)),
                "DeepSeek's per-head absorb matrices: one product per head is far cheaper on the host");
        assertFalse(GpuWeights.onDevice(tensor("blk.1.ffn_up_exps.weight", Device.CPU, 1024, 512, 8)), "host experts are staged, not copied");
        assertFalse(GpuWeights.onDevice(tensor("blk.0.attn_norm.weight", gpu, 1024)), "vectors are the host's ops");
    }
}
