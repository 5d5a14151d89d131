package dev.jmoe.host.engine;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.model.Device;

import java.lang.foreign.MemorySegment;

/**
 * A tensor as the engine hands it to the GPU backend: where the plan put it, and its bytes as the model holds
 * them in host memory. Tensors placed on a GPU are copied there; expert tensors left on the host are what
 * prompt processing uploads for large micro-batches. The forward pass's ops later name a tensor by its host
 * address ({@code data.address()} is where its {@link dev.jmoe.host.kernel.WeightMatrix} or
 * {@link dev.jmoe.host.kernel.ExpertWeights} starts).
 */
public record DeviceTensor(String name, Device device, GgmlType type, long[] shape, MemorySegment data) {
    public DeviceTensor {
        shape = shape.clone();
    }

    /** Whether this is a 3-D expert stack left on the host (an {@code _exps} tensor the GPU may stage). */
    public boolean isHostExperts() {
        return device.isCpu() && shape.length == 3;
    }

    /** Whether this is a 2-D matrix (a weight product's operand), as opposed to a vector or an expert stack. */
    public boolean isMatrix() {
        return shape.length == 2;
    }
}
