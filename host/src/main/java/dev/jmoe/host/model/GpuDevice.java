package dev.jmoe.host.model;

/**
 * A GPU the planner may place tensors on, as far as planning cares: its index ({@code CUDA<index>}),
 * its name for the summary, and the bytes it can give the model. The real values come from the CUDA
 * backend's probe; tests and {@code jmoe inspect --placement --gpu-mem} give their own.
 */
public record GpuDevice(int index, String name, long freeBytes) {
    public GpuDevice {
        if (index < 0) throw new IllegalArgumentException("GPU index must not be negative, got " + index);
        if (freeBytes < 0) throw new IllegalArgumentException("free memory must not be negative, got " + freeBytes);
    }

    public Device device() {
        return Device.cuda(index);
    }
}
