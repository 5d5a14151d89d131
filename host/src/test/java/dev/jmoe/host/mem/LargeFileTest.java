package dev.jmoe.host.mem;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Offsets and lengths past 4 GiB, on a sparse file, so no int arithmetic can hide. */
class LargeFileTest {
    private static final long SIZE = 5 * ByteSize.GIB + 3;
    private static final long MARK = 4 * ByteSize.GIB + ByteSize.GIB / 2 + 12_345; // 4.5 GiB and a bit
    private static final byte[] KNOWN = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88};

    @TempDir
    static Path dir;
    static Path file;

    @BeforeAll
    static void sparseFile() throws IOException {
        file = dir.resolve("sparse.bin");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(SIZE);
            raf.seek(MARK);
            raf.write(KNOWN);
            raf.seek(SIZE - 1);
            raf.write(0x7f);
        }
    }

    @Test
    void mappedRegionAroundFourAndAHalfGiB() throws IOException {
        long offset = MARK - 1000 - 1; // unaligned start beyond 4 GiB
        int length = 1 << 20;
        try (ModelMemory m = ModelMemory.load(file, offset, length, LoadOptions.defaults())) {
            ModelMemoryTest.assertRegionEquals(file, offset, length, m.segment());
            assertKnownBytesAt(m, MARK - offset);
        }
    }

    @Test
    void copiedRegionAroundFourAndAHalfGiB() throws IOException {
        long offset = MARK - 4096 - 7;
        int length = 3 << 20;
        try (ModelMemory m = ModelMemory.load(file, offset, length, LoadOptions.defaults().withMmap(false))) {
            ModelMemoryTest.assertRegionEquals(file, offset, length, m.segment());
            assertKnownBytesAt(m, MARK - offset);
        }
    }

    @Test
    void regionLongerThanTwoGiBMapsAndReadsAtLongOffsets() throws IOException {
        long offset = 1;
        long length = SIZE - offset; // over 5 GiB: more than an int can count
        try (ModelMemory m = ModelMemory.load(file, offset, length, LoadOptions.defaults())) {
            assertEquals(length, m.segment().byteSize());
            assertKnownBytesAt(m, MARK - offset);
            assertEquals(0x7f, m.segment().get(ValueLayout.JAVA_BYTE, length - 1));
            assertEquals(0, m.segment().get(ValueLayout.JAVA_BYTE, MARK - offset - 1));
        }
    }

    private static void assertKnownBytesAt(ModelMemory m, long at) {
        for (int i = 0; i < KNOWN.length; i++) {
            assertEquals(KNOWN[i], m.segment().get(ValueLayout.JAVA_BYTE, at + i), "byte " + i);
        }
    }
}
