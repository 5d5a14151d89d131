package dev.jmoe.cuda.staging;

import dev.jmoe.host.mem.AlignedMemory;
import dev.jmoe.host.mem.LoadOptions;
import dev.jmoe.host.mem.ModelMemory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jmoe pcie}'s measurements, in the manner of NVIDIA's bandwidthTest: for each size and kind of host
 * memory, {@code reps} back-to-back async copies on one stream between two events, host→device then
 * device→host. The kinds are what staging can upload from: pageable (malloc'd) memory, driver-pinned memory
 * ({@code cuMemHostAlloc}), registered anonymous memory (the copy cache's blocks) and registered read-only
 * file pages (what {@code register} mode pins; a read-only registration cannot be copied into, so no D2H).
 */
public final class BandwidthTest {
    /** One row: {@code allocMs} is the time to get the memory pinned (0 for pageable), NaN where not measured. */
    public record Row(String memory, long bytes, double hostToDeviceGbps, double deviceToHostGbps, double allocMs) {}

    private final DeviceCopies copies;
    private final int reps;
    private final Path scratchDir;

    public BandwidthTest(DeviceCopies copies, int reps, Path scratchDir) {
        this.copies = copies;
        this.reps = reps;
        this.scratchDir = scratchDir;
    }

    public List<Row> run(List<Long> sizes) throws IOException, PinRefusedException {
        List<Row> rows = new ArrayList<>();
        try (DeviceCopies.DeviceStream stream = copies.newStream()) {
            for (long bytes : sizes) {
                try (DeviceCopies.DeviceBuffer device = copies.allocateDevice(bytes)) {
                    rows.add(pageable(stream, device, bytes));
                    rows.add(driverPinned(stream, device, bytes));
                    rows.add(registeredAnonymous(stream, device, bytes));
                    rows.add(registeredFile(stream, device, bytes));
                }
            }
        }
        return rows;
    }

    /** Host→device GB/s from {@code bytes} of driver-pinned memory: what a staged upload can reach on this link. */
    public double pinnedHostToDevice(long bytes) throws PinRefusedException {
        try (DeviceCopies.DeviceStream stream = copies.newStream();
             DeviceCopies.DeviceBuffer device = copies.allocateDevice(bytes)) {
            return driverPinned(stream, device, bytes).hostToDeviceGbps();
        }
    }

    private Row pageable(DeviceCopies.DeviceStream stream, DeviceCopies.DeviceBuffer device, long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(bytes, 64);
            host.fill((byte) 1); // faulted in, so the copy does not time page faults
            return new Row("pageable", bytes, h2d(stream, device, host.address(), bytes),
                    d2h(stream, device, host.address(), bytes), 0);
        }
    }

    private Row driverPinned(DeviceCopies.DeviceStream stream, DeviceCopies.DeviceBuffer device, long bytes)
            throws PinRefusedException {
        long start = System.nanoTime();
        try (DeviceCopies.PinnedMemory host = copies.allocateHost(bytes)) {
            double allocMs = (System.nanoTime() - start) / 1e6;
            return new Row("pinned (cuMemHostAlloc)", bytes, h2d(stream, device, host.address(), bytes),
                    d2h(stream, device, host.address(), bytes), allocMs);
        }
    }

    private Row registeredAnonymous(DeviceCopies.DeviceStream stream, DeviceCopies.DeviceBuffer device, long bytes)
            throws PinRefusedException {
        long start = System.nanoTime();
        try (AlignedMemory memory = AlignedMemory.allocate(bytes); Registration pin = register(memory.address(), memory.length(), false)) {
            double allocMs = (System.nanoTime() - start) / 1e6;
            return new Row("registered anonymous", bytes, h2d(stream, device, memory.address(), bytes),
                    d2h(stream, device, memory.address(), bytes), allocMs);
        }
    }

    private Row registeredFile(DeviceCopies.DeviceStream stream, DeviceCopies.DeviceBuffer device, long bytes)
            throws IOException, PinRefusedException {
        Path file = Files.createTempFile(scratchDir, "jmoe-pcie-", ".bin");
        try {
            write(file, bytes);
            try (ModelMemory mapped = ModelMemory.load(file, 0, bytes, LoadOptions.defaults())) {
                MemorySegment m = mapped.segment();
                for (long i = 0; i < bytes; i += 4096) m.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i); // resident
                long start = System.nanoTime();
                try (Registration pin = register(mapped.address(), bytes, true)) {
                    double allocMs = (System.nanoTime() - start) / 1e6;
                    return new Row("registered mmap file (read-only)", bytes, h2d(stream, device, mapped.address(), bytes),
                            Double.NaN, allocMs);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void write(Path file, long bytes) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            for (long at = 0; at < bytes; ) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), bytes - at));
                at += ch.write(chunk, at);
            }
        }
    }

    /** Registers in chunks of at most one driver call (the mapping is page aligned; sizes are whole pages here). */
    private Registration register(long address, long bytes, boolean readOnly) throws PinRefusedException {
        Registration r = new Registration();
        try {
            for (long at = 0; at < bytes; at += RegisterPlan.CHUNK_BYTES) {
                r.parts.add(copies.register(address + at, Math.min(RegisterPlan.CHUNK_BYTES, bytes - at), readOnly));
            }
        } catch (PinRefusedException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private static final class Registration implements AutoCloseable {
        final List<DeviceCopies.PinnedMemory> parts = new ArrayList<>();

        @Override
        public void close() {
            parts.forEach(DeviceCopies.PinnedMemory::close);
        }
    }

    private double h2d(DeviceCopies.DeviceStream stream, DeviceCopies.DeviceBuffer device, long host, long bytes) {
        return timed(stream, bytes, () -> stream.toDevice(device, 0, host, bytes));
    }

    private double d2h(DeviceCopies.DeviceStream stream, DeviceCopies.DeviceBuffer device, long host, long bytes) {
        return timed(stream, bytes, () -> stream.toHost(host, device, 0, bytes));
    }

    /** GB/s (10^9 bytes) of {@code reps} copies after one untimed warm-up copy. */
    private double timed(DeviceCopies.DeviceStream stream, long bytes, Runnable copy) {
        copy.run();
        try (DeviceCopies.DeviceEvent start = stream.record()) {
            for (int i = 0; i < reps; i++) copy.run();
            try (DeviceCopies.DeviceEvent end = stream.record()) {
                end.synchronize();
                double seconds = end.millisSince(start) / 1e3;
                return (double) bytes * reps / seconds / 1e9;
            }
        }
    }
}
