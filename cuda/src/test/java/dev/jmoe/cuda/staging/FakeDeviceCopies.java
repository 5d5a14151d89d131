package dev.jmoe.cuda.staging;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Test double of {@link DeviceCopies} for machines without a GPU. "Device" memory is host memory, and copies
 * really move the bytes, so a test can check what arrived where. It keeps the driver's rules that matter to
 * staging (a page registered twice is an error, unregistering twice is an error), counts calls and bytes, tells
 * pinned from pageable sources, can refuse pinning as a driver or OS would, and runs a simulated clock per
 * stream: a copy takes bytes ÷ the bandwidth of its source kind, {@link FakeStream#busy} stands for a kernel.
 */
final class FakeDeviceCopies implements DeviceCopies {
    /** One cuMemHostRegister call that succeeded. */
    record Registration(long address, long bytes, boolean readOnly) {}

    /** One host→device or device→host copy. */
    record Copy(int stream, long hostAddress, long bytes, long deviceOffset, boolean pinned, boolean toDevice,
                double startMs, double endMs) {}

    private final Arena arena = Arena.ofShared();
    final List<Registration> registrations = new ArrayList<>();
    final List<Registration> live = new ArrayList<>();
    final List<Copy> copies = new ArrayList<>();
    private final List<long[]> hostAllocations = new ArrayList<>();
    int unregisterCalls;
    int hostAllocCalls;
    long pinnedBytesPerMs = 10_000_000;  // 10 GB/s
    long pageableBytesPerMs = 4_000_000; // 4 GB/s
    private String refuseRegister;
    private String refuseReadOnly;
    private int registerAllowance = Integer.MAX_VALUE;
    private String refuseHostAlloc;
    private int streams;

    /** Every register call fails with {@code reason}. */
    void refuseRegister(String reason) {
        refuseRegister = reason;
        registerAllowance = 0;
    }

    /** Read-only registrations fail with {@code reason} (drivers before CUDA 11.1 have no such flag). */
    void refuseReadOnly(String reason) {
        refuseReadOnly = reason;
    }

    /** The next {@code n} registrations succeed, the ones after fail with {@code reason}. */
    void refuseRegisterAfter(int n, String reason) {
        registerAllowance = n;
        refuseRegister = reason;
    }

    void refuseHostAlloc(String reason) {
        refuseHostAlloc = reason;
    }

    long liveRegisteredBytes() {
        return live.stream().mapToLong(Registration::bytes).sum();
    }

    @Override
    public synchronized PinnedMemory register(long address, long bytes, boolean readOnly) throws PinRefusedException {
        if (refuseRegister != null && registerAllowance-- <= 0) throw new PinRefusedException(refuseRegister);
        if (readOnly && refuseReadOnly != null) throw new PinRefusedException(refuseReadOnly);
        for (Registration r : live) {
            if (address < r.address() + r.bytes() && r.address() < address + bytes) {
                throw new IllegalStateException("CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED: 0x" + Long.toHexString(address)
                        + "+" + bytes + " overlaps 0x" + Long.toHexString(r.address()) + "+" + r.bytes());
            }
        }
        Registration reg = new Registration(address, bytes, readOnly);
        registrations.add(reg);
        live.add(reg);
        return new Pinned(address, bytes, () -> unregister(reg));
    }

    private synchronized void unregister(Registration reg) {
        if (!live.remove(reg)) throw new IllegalStateException("CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED: " + reg);
        unregisterCalls++;
    }

    @Override
    public synchronized PinnedMemory allocateHost(long bytes) throws PinRefusedException {
        if (refuseHostAlloc != null) throw new PinRefusedException(refuseHostAlloc);
        hostAllocCalls++;
        MemorySegment m = arena.allocate(bytes, 4096);
        long[] entry = {m.address(), bytes};
        hostAllocations.add(entry);
        return new Pinned(m.address(), bytes, () -> hostAllocations.remove(entry));
    }

    private final List<FakeBuffer> deviceBuffers = new ArrayList<>();

    @Override
    public synchronized DeviceBuffer allocateDevice(long bytes) {
        FakeBuffer b = new FakeBuffer(arena.allocate(bytes, 256), this);
        deviceBuffers.add(b);
        return b;
    }

    /** Whether {@code address..+bytes} lies inside one device buffer not closed yet. */
    synchronized boolean isDeviceRange(long address, long bytes) {
        for (FakeBuffer b : deviceBuffers) {
            if (address >= b.address() && address + bytes <= b.address() + b.bytes()) return true;
        }
        return false;
    }

    private synchronized void freed(FakeBuffer b) {
        deviceBuffers.remove(b);
    }

    @Override
    public synchronized DeviceStream newStream() {
        return new FakeStream(streams++);
    }

    @Override
    public void close() {
        arena.close();
    }

    private synchronized boolean isPinned(long address, long bytes) {
        for (Registration r : live) {
            if (address >= r.address() && address + bytes <= r.address() + r.bytes()) return true;
        }
        for (long[] a : hostAllocations) {
            if (address >= a[0] && address + bytes <= a[0] + a[1]) return true;
        }
        return false;
    }

    long copiedBytes(boolean pinned) {
        return copies.stream().filter(c -> c.pinned() == pinned).mapToLong(Copy::bytes).sum();
    }

    static final class FakeBuffer implements DeviceBuffer {
        final MemorySegment memory;
        private final FakeDeviceCopies owner;

        FakeBuffer(MemorySegment memory, FakeDeviceCopies owner) {
            this.memory = memory;
            this.owner = owner;
        }

        @Override
        public long bytes() {
            return memory.byteSize();
        }

        /** The host address standing for the device address: what a fake kernel reads. */
        @Override
        public long address() {
            return memory.address();
        }

        @Override
        public void close() {
            owner.freed(this);
        }
    }

    record FakeEvent(double ms) implements DeviceEvent {
        @Override
        public void synchronize() {
        }

        @Override
        public double millisSince(DeviceEvent earlier) {
            return ms - ((FakeEvent) earlier).ms;
        }

        @Override
        public void close() {
        }
    }

    final class FakeStream implements DeviceStream {
        final int id;
        double clockMs;

        FakeStream(int id) {
            this.id = id;
        }

        /** Work of {@code ms} queued on this stream (a kernel, in tests). */
        void busy(double ms) {
            clockMs += ms;
        }

        @Override
        public void toDevice(DeviceBuffer dst, long dstOffset, long hostAddress, long bytes) {
            MemorySegment device = ((FakeBuffer) dst).memory;
            MemorySegment.copy(MemorySegment.ofAddress(hostAddress).reinterpret(bytes), 0, device, dstOffset, bytes);
            log(hostAddress, bytes, dstOffset, true);
        }

        @Override
        public void toHost(long hostAddress, DeviceBuffer src, long srcOffset, long bytes) {
            MemorySegment device = ((FakeBuffer) src).memory;
            MemorySegment.copy(device, srcOffset, MemorySegment.ofAddress(hostAddress).reinterpret(bytes), 0, bytes);
            log(hostAddress, bytes, srcOffset, false);
        }

        private void log(long hostAddress, long bytes, long deviceOffset, boolean toDevice) {
            boolean pinned = isPinned(hostAddress, bytes);
            double start = clockMs;
            clockMs += (double) bytes / (pinned ? pinnedBytesPerMs : pageableBytesPerMs);
            synchronized (FakeDeviceCopies.this) {
                copies.add(new Copy(id, hostAddress, bytes, deviceOffset, pinned, toDevice, start, clockMs));
            }
        }

        @Override
        public DeviceEvent record() {
            return new FakeEvent(clockMs);
        }

        @Override
        public void waitFor(DeviceEvent event) {
            clockMs = Math.max(clockMs, ((FakeEvent) event).ms());
        }

        @Override
        public void synchronize() {
        }

        @Override
        public void close() {
        }
    }

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
        public void close() {
            if (release == null) throw new IllegalStateException("pinned memory closed twice");
            Runnable r = release;
            release = null;
            r.run();
        }
    }
}
