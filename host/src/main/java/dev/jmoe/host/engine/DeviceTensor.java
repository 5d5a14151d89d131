package dev.jmoe.host.engine;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.model.Device;

import java.lang.foreign.MemorySegment;

/**
 * A tensor the placement put on a GPU, as the engine hands it to the GPU backend: its bytes as the model
 * holds them in host memory (the backend copies them to its device), and the address by which the forward
 * pass's ops later name it ({@code data.address()} is where its {@link dev.jmoe.host.kernel.WeightMatrix} starts).
 */
public record DeviceTensor(String name, Device device, GgmlType type, long[] shape, MemorySegment data) {
    public DeviceTensor {
        if (device.isCpu()) throw new IllegalArgumentException(name + " is placed on the CPU, not a GPU");
        shape = shape.clone();
    }

    /** Whether this is a 2-D matrix (a weight product's operand), as opposed to a vector or an expert stack. */
    public boolean isMatrix() {
        return shape.length == 2;
    }
}
