package dev.jmoe.cuda.staging;

/**
 * The CUDA driver operations that staging needs, and nothing else: pinning host ranges, pinned and device
 * allocations, async copies on streams and events to time them. {@link JCudaDeviceCopies} is the driver;
 * tests use a double that counts calls and bytes and can refuse. Host memory is named by raw addresses
 * (the staging cache and the mapped model are FFM segments).
 */
public interface DeviceCopies extends AutoCloseable {

    /**
     * Page-locks {@code [address, address + bytes)} in place ({@code cuMemHostRegister}, portable; read-only
     * when asked, which the driver needs for pages mapped without write permission).
     */
    PinnedMemory register(long address, long bytes, boolean readOnly) throws PinRefusedException;

    /** Pinned host memory from the driver ({@code cuMemHostAlloc}, portable). */
    PinnedMemory allocateHost(long bytes) throws PinRefusedException;

    /** Device memory ({@code cuMemAlloc}). */
    DeviceBuffer allocateDevice(long bytes);

    /** A new non-blocking stream. */
    DeviceStream newStream();

    @Override
    void close();

    /** A pinned host range; closing unregisters or frees it. */
    interface PinnedMemory extends AutoCloseable {
        long address();

        long bytes();

        @Override
        void close();
    }

    /** A device allocation; closing frees it. */
    interface DeviceBuffer extends AutoCloseable {
        long bytes();

        /** The device address of byte 0 (what a kernel or cuBLAS is given to read it). */
        long address();

        @Override
        void close();
    }

    /** Work queued in order; copies are asynchronous with respect to the host. */
    interface DeviceStream extends AutoCloseable {
        void toDevice(DeviceBuffer dst, long dstOffset, long hostAddress, long bytes);

        void toHost(long hostAddress, DeviceBuffer src, long srcOffset, long bytes);

        /** An event that completes when the work queued so far has. */
        DeviceEvent record();

        /** Later work on this stream waits for {@code event} (device side; the host does not block). */
        void waitFor(DeviceEvent event);

        void synchronize();

        @Override
        void close();
    }

    /** A point on a stream's timeline. */
    interface DeviceEvent extends AutoCloseable {
        /** Blocks the host until the event has completed. */
        void synchronize();

        /** Milliseconds from {@code earlier} to this event; both must have completed. */
        double millisSince(DeviceEvent earlier);

        @Override
        void close();
    }
}
