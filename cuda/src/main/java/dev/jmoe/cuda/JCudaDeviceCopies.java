package dev.jmoe.cuda;

import dev.jmoe.cuda.staging.DeviceCopies;
import dev.jmoe.cuda.staging.PinRefusedException;
import jcuda.CudaException;
import jcuda.Pointer;
import dev.jmoe.cuda.compute.DeviceMemory;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * {@link DeviceCopies} on the CUDA driver through JCuda, on one device's primary context (made current before
 * every call, since any thread may stage). Host addresses reach JCuda as direct buffers over exactly the range,
 * so a single call covers at most {@link #MAX_CALL_BYTES}; longer copies are split.
 *
 * <p>Untested in CI (no GPU there); exercised by the {@code @Tag("gpu")} tests and {@code jmoe pcie}.
 */
public final class JCudaDeviceCopies implements DeviceCopies {
    /** A ByteBuffer spans at most 2^31 - 1 bytes; whole GiBs keep every piece a multiple of 2 MiB. */
    static final long MAX_CALL_BYTES = 1L << 30;

    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private boolean closed;

    private JCudaDeviceCopies(int ordinal) {
        JCudaDriver.cuInit(0);
        JCudaDriver.cuDeviceGet(device, ordinal);
        JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
        current();
    }

    /** The driver on device {@code ordinal}; throws {@link IllegalStateException} naming why CUDA is unusable. */
    public static JCudaDeviceCopies open(int ordinal) {
        var failure = JCudaDriverLibrary.loadFailure();
        if (failure.isPresent()) throw new IllegalStateException(failure.get());
        try {
            return new JCudaDeviceCopies(ordinal);
        } catch (CudaException e) {
            throw new IllegalStateException(ProbeFailure.ofDriverError(e), e);
        }
    }

    private void current() {
        JCudaDriver.cuCtxSetCurrent(context);
    }

    /** A JCuda pointer at {@code address} covering {@code bytes} (at most {@link #MAX_CALL_BYTES}). */
    static Pointer host(long address, long bytes) {
        ByteBuffer buffer = MemorySegment.ofAddress(address).reinterpret(bytes).asByteBuffer();
        return Pointer.to(buffer);
    }

    @Override
    public PinnedMemory register(long address, long bytes, boolean readOnly) throws PinRefusedException {
        if (bytes > MAX_CALL_BYTES) throw new IllegalArgumentException("register one chunk of at most 1 GiB, not " + bytes);
        current();
        Pointer p = host(address, bytes);
        int flags = JCudaDriver.CU_MEMHOSTREGISTER_PORTABLE | (readOnly ? JCudaDriver.CU_MEMHOSTREGISTER_READ_ONLY : 0);
        try {
            JCudaDriver.cuMemHostRegister(p, bytes, flags);
        } catch (CudaException e) {
            throw new PinRefusedException("cuMemHostRegister(" + bytes + " bytes" + (readOnly ? ", read-only" : "")
                    + ") failed: " + e.getMessage());
        }
        return new Pinned(address, bytes, () -> {
            current();
            JCudaDriver.cuMemHostUnregister(p);
        });
    }

    @Override
    public PinnedMemory allocateHost(long bytes) throws PinRefusedException {
        current();
        Pointer p = new Pointer();
        try {
            JCudaDriver.cuMemHostAlloc(p, bytes, JCudaDriver.CU_MEMHOSTALLOC_PORTABLE);
        } catch (CudaException e) {
            throw new PinRefusedException("cuMemHostAlloc(" + bytes + " bytes) failed: " + e.getMessage());
        }
        long address = MemorySegment.ofBuffer(p.getByteBuffer(0, Math.min(bytes, MAX_CALL_BYTES))).address();
        return new Pinned(address, bytes, () -> {
            current();
            JCudaDriver.cuMemFreeHost(p);
        });
    }

    @Override
    public DeviceBuffer allocateDevice(long bytes) {
        current();
        DeviceMemory.Address p = new DeviceMemory.Address();
        JCudaDriver.cuMemAlloc(p, bytes);
        return new Device(p, bytes);
    }

    @Override
    public DeviceStream newStream() {
        current();
        CUstream s = new CUstream();
        JCudaDriver.cuStreamCreate(s, CUstream_flags.CU_STREAM_NON_BLOCKING);
        return new Stream(s);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        JCudaDriver.cuDevicePrimaryCtxRelease(device);
    }

    /** A pinned range and how to release it (at most once). */
    private static final class Pinned implements PinnedMemory {
        private final long address;
        private final long bytes;
        private Runnable release;

        Pinned(long address, long bytes, Runnable release) {
            this.address = address;
            this.bytes = bytes;
            this.release = release;
        }

        @Override
        public long address() {
            return address;
        }

        @Override
        public long bytes() {
            return bytes;
        }

        @Override
        public synchronized void close() {
            if (release == null) return;
            Runnable r = release;
            release = null;
            r.run();
        }
    }

    private final class Device implements DeviceBuffer {
        final DeviceMemory.Address pointer;
        private final long bytes;
        private boolean freed;

        Device(DeviceMemory.Address pointer, long bytes) {
            this.pointer = pointer;
            this.bytes = bytes;
        }

        @Override
        public long bytes() {
            return bytes;
        }

        @Override
        public long address() {
            return pointer.value();
        }

        @Override
        public synchronized void close() {
            if (freed) return;
            freed = true;
            current();
            JCudaDriver.cuMemFree(pointer);
        }
    }

    private final class Stream implements DeviceStream {
        private final CUstream stream;

        Stream(CUstream stream) {
            this.stream = stream;
        }

        @Override
        public void toDevice(DeviceBuffer dst, long dstOffset, long hostAddress, long bytes) {
            CUdeviceptr base = ((Device) dst).pointer;
            current();
            for (long done = 0; done < bytes; done += MAX_CALL_BYTES) {
                long n = Math.min(MAX_CALL_BYTES, bytes - done);
                JCudaDriver.cuMemcpyHtoDAsync(base.withByteOffset(dstOffset + done), host(hostAddress + done, n), n, stream);
            }
        }

        @Override
        public void toHost(long hostAddress, DeviceBuffer src, long srcOffset, long bytes) {
            CUdeviceptr base = ((Device) src).pointer;
            current();
            for (long done = 0; done < bytes; done += MAX_CALL_BYTES) {
                long n = Math.min(MAX_CALL_BYTES, bytes - done);
                JCudaDriver.cuMemcpyDtoHAsync(host(hostAddress + done, n), base.withByteOffset(srcOffset + done), n, stream);
            }
        }

        @Override
        public DeviceEvent record() {
            current();
            CUevent e = new CUevent();
            JCudaDriver.cuEventCreate(e, CUevent_flags.CU_EVENT_DEFAULT);
            JCudaDriver.cuEventRecord(e, stream);
            return new Event(e);
        }

        @Override
        public void waitFor(DeviceEvent event) {
            current();
            JCudaDriver.cuStreamWaitEvent(stream, ((Event) event).event, 0);
        }

        @Override
        public void synchronize() {
            current();
            JCudaDriver.cuStreamSynchronize(stream);
        }

        @Override
        public void close() {
            current();
            JCudaDriver.cuStreamDestroy(stream);
        }
    }

    private final class Event implements DeviceEvent {
        final CUevent event;

        Event(CUevent event) {
            this.event = event;
        }

        @Override
        public void synchronize() {
            current();
            JCudaDriver.cuEventSynchronize(event);
        }

        @Override
        public double millisSince(DeviceEvent earlier) {
            float[] ms = new float[1];
            current();
            JCudaDriver.cuEventElapsedTime(ms, ((Event) earlier).event, event);
            return ms[0];
        }

        @Override
        public void close() {
            current();
            JCudaDriver.cuEventDestroy(event);
        }
    }
}
