package dev.jmoe.cuda.compute;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A device allocation ({@code cuMemAlloc}) and its address. Kernels take device pointers as 64-bit
 * parameters, so {@link KernelLaunch} needs the number itself: {@link Address} exposes the driver's
 * value, which JCuda keeps in a protected field.
 */
public final class DeviceMemory implements AutoCloseable {
    /** A host range reaches JCuda as one direct buffer, which spans less than 2 GiB: larger copies go in pieces. */
    static final long MAX_COPY_BYTES = 1L << 30;

    private final CudaContext context;
    private final Address pointer;
    private final long bytes;
    private boolean freed;

    private DeviceMemory(CudaContext context, Address pointer, long bytes) {
        this.context = context;
        this.pointer = pointer;
        this.bytes = bytes;
    }

    static DeviceMemory allocate(CudaContext context, long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("device allocation of " + bytes + " bytes");
        Address p = new Address();
        JCudaDriver.cuMemAlloc(p, bytes);
        return new DeviceMemory(context, p, bytes);
    }

    public long bytes() {
        return bytes;
    }

    /** The device address of byte 0. */
    public long address() {
        return pointer.value();
    }

    /** Copies the bytes of {@code host} to byte {@code offset} here (synchronous). */
    public void upload(MemorySegment host, long offset) {
        check(offset, host.byteSize());
        context.current();
        for (long done = 0; done < host.byteSize(); done += MAX_COPY_BYTES) {
            long n = Math.min(MAX_COPY_BYTES, host.byteSize() - done);
            // A view from the raw address: the model's mapping may be a read-only segment, whose own buffer view
            // would be read-only, and the copy only reads.
            ByteBuffer piece = MemorySegment.ofAddress(host.address() + done).reinterpret(n).asByteBuffer();
            JCudaDriver.cuMemcpyHtoD(pointer.withByteOffset(offset + done), Pointer.to(piece), n);
        }
    }

    /** Copies the first {@code count} floats of {@code values} to the start of this allocation (synchronous). */
    public void upload(float[] values, int count) {
        upload(values, 0, count, 0);
    }

    /** Copies the first {@code count} ints of {@code values} to the start of this allocation (synchronous). */
    public void upload(int[] values, int count) {
        check(0, 4L * count);
        context.current();
        JCudaDriver.cuMemcpyHtoD(pointer, Pointer.to(values), 4L * count);
    }

    /** Copies {@code count} floats of {@code values} from {@code from} to byte {@code offset} here (synchronous). */
    public void upload(float[] values, int from, int count, long offset) {
        check(offset, 4L * count);
        context.current();
        JCudaDriver.cuMemcpyHtoD(pointer.withByteOffset(offset), Pointer.to(values).withByteOffset(4L * from), 4L * count);
    }

    /** Copies the first {@code bytes} of {@code source} (another allocation) to the start of this one. */
    public void copyFrom(DeviceMemory source, long bytes) {
        check(0, bytes);
        source.check(0, bytes);
        context.current();
        JCudaDriver.cuMemcpyDtoD(pointer, source.pointer, bytes);
    }

    /** Copies {@code count} floats from the start of this allocation into {@code values} (waits for the device). */
    public void download(float[] values, int count) {
        check(0, 4L * count);
        context.current();
        JCudaDriver.cuMemcpyDtoH(Pointer.to(values), pointer, 4L * count);
    }

    private void check(long offset, long n) {
        if (offset < 0 || n < 0 || offset + n > bytes) {
            throw new IndexOutOfBoundsException("copy of " + n + " bytes at " + offset + " into a device allocation of " + bytes);
        }
    }

    @Override
    public synchronized void close() {
        if (freed) return;
        freed = true;
        context.current();
        JCudaDriver.cuMemFree(pointer);
    }

    /** A device pointer whose value can be read. */
    public static final class Address extends CUdeviceptr {
        public long value() {
            return getNativePointer() + getByteOffset();
        }
    }
}
