package dev.jmoe.cuda.compute;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * One device's primary context: the context every CUDA user of the process shares, retained here and made
 * current ({@link #current}) by whichever thread is about to issue work, since a context is current per
 * thread and the forward pass runs on session threads that change. Not thread-safe for launches: callers
 * that share one serialise their work (see {@link GpuMatmul}).
 */
public final class CudaContext implements AutoCloseable {
    private final int ordinal;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private boolean closed;

    private CudaContext(int ordinal) {
        this.ordinal = ordinal;
        JCudaDriver.cuInit(0);
        JCudaDriver.cuDeviceGet(device, ordinal);
        JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
        current();
    }

    /** Device {@code ordinal}'s primary context; CUDA errors surface as {@link jcuda.CudaException}. */
    public static CudaContext open(int ordinal) {
        return new CudaContext(ordinal);
    }

    public int ordinal() {
        return ordinal;
    }

    /** Makes this context the calling thread's current one (cheap; done before every batch of calls). */
    public void current() {
        JCudaDriver.cuCtxSetCurrent(context);
    }

    /** Device memory that is free now, in bytes. */
    public long freeBytes() {
        current();
        long[] free = new long[1];
        long[] total = new long[1];
        JCudaDriver.cuMemGetInfo(free, total);
        return free[0];
    }

    /** {@code bytes} of device memory. */
    public DeviceMemory allocate(long bytes) {
        current();
        return DeviceMemory.allocate(this, bytes);
    }

    /**
     * {@code current} when it holds {@code bytes}, else a new allocation of at least that and of {@code minimum}
     * (the old one freed): the scratch buffers that grow to the largest call and stay.
     */
    public DeviceMemory atLeast(DeviceMemory current, long bytes, long minimum) {
        if (current != null && current.bytes() >= bytes) return current;
        if (current != null) current.close();
        return allocate(Math.max(bytes, minimum));
    }

    /** A PTX module (a NUL-terminated image, as {@link dev.jmoe.kernels.Ptx#image} gives), JIT-compiled for this device. */
    public CUmodule load(byte[] ptxImage) {
        current();
        CUmodule module = new CUmodule();
        JCudaDriver.cuModuleLoadData(module, ptxImage);
        return module;
    }

    /** Waits for all work queued on this device. */
    public void synchronize() {
        current();
        JCudaDriver.cuCtxSynchronize();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        JCudaDriver.cuDevicePrimaryCtxRelease(device);
    }
}
