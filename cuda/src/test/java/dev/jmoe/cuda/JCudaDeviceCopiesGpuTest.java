package dev.jmoe.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmoe.cuda.staging.DeviceCopies;
import dev.jmoe.host.mem.AlignedMemory;
import dev.jmoe.host.mem.LoadOptions;
import dev.jmoe.host.mem.ModelMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver binding on a real device: bytes go up from each kind of host memory and come back unchanged, and
 * events give a positive elapsed time. Skipped (not passed) without a driver.
 */
@Tag("gpu")
class JCudaDeviceCopiesGpuTest {
    private static final long BYTES = 6L << 20; // 6 MiB: three 2 MiB pages

    private static void pattern(MemorySegment s, int seed) {
        for (long i = 0; i < s.byteSize(); i += 8) s.set(ValueLayout.JAVA_LONG_UNALIGNED, i, i * 0x9E3779B97F4A7C15L + seed);
    }

    /** Uploads {@code from}, downloads into fresh pageable memory and compares every byte. */
    private static void roundTrip(DeviceCopies copies, MemorySegment from) {
        try (DeviceCopies.DeviceBuffer device = copies.allocateDevice(from.byteSize());
             DeviceCopies.DeviceStream stream = copies.newStream();
             Arena arena = Arena.ofConfined()) {
            MemorySegment back = arena.allocate(from.byteSize(), 64);
            DeviceCopies.DeviceEvent start = stream.record();
            stream.toDevice(device, 0, from.address(), from.byteSize());
            stream.toHost(back.address(), device, 0, from.byteSize());
            DeviceCopies.DeviceEvent end = stream.record();
            end.synchronize();
            assertTrue(end.millisSince(start) > 0, "events timed nothing");
            assertEquals(-1L, from.mismatch(back), "bytes changed on the way");
            start.close();
            end.close();
        }
    }

    @Test
    void everyKindOfHostMemoryRoundTrips(@TempDir Path dir) throws Exception {
        assumeTrue(CudaGpuProbeTest.driverLibraryLoads(), "no libcuda.so.1 here");
        try (JCudaDeviceCopies copies = JCudaDeviceCopies.open(0)) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment pageable = arena.allocate(BYTES, 64);
                pattern(pageable, 1);
                roundTrip(copies, pageable);
            }
            try (DeviceCopies.PinnedMemory pinned = copies.allocateHost(BYTES)) {
                MemorySegment s = MemorySegment.ofAddress(pinned.address()).reinterpret(BYTES);
                pattern(s, 2);
                roundTrip(copies, s);
            }
            try (AlignedMemory anon = AlignedMemory.allocate(BYTES);
                 DeviceCopies.PinnedMemory pin = copies.register(anon.address(), anon.length(), false)) {
                pattern(anon.segment(), 3);
                roundTrip(copies, anon.segment());
            }
            Path file = dir.resolve("pages.bin");
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment src = arena.allocate(BYTES, 64);
                pattern(src, 4);
                Files.write(file, src.toArray(ValueLayout.JAVA_BYTE));
            }
            try (ModelMemory mapped = ModelMemory.load(file, 0, BYTES, LoadOptions.defaults());
                 DeviceCopies.PinnedMemory pin = copies.register(mapped.address(), BYTES, true)) {
                roundTrip(copies, mapped.segment());
            }
        }
    }
}
