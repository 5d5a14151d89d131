package dev.jmoe.host.mem;

import dev.jmoe.host.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelMemoryTest {
    @TempDir
    Path dir;

    static Stream<Arguments> modes() {
        LoadOptions d = LoadOptions.defaults();
        return Stream.of(
                Arguments.of("mmap", d),
                Arguments.of("mmap+mlock", d.withMlock(true)),
                Arguments.of("no-mmap", d.withMmap(false)),
                Arguments.of("no-mmap+mlock", d.withMmap(false).withMlock(true)),
                Arguments.of("thp", d.withHugePages(HugePageMode.THP)),
                Arguments.of("2m", d.withHugePages(HugePageMode.MB2)),
                Arguments.of("1g", d.withHugePages(HugePageMode.GB1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void unalignedRegionOfATempFileReadsBackByteEqual(String name, LoadOptions options) throws IOException {
        Path file = TestFiles.random(dir, 3 * ByteSize.MIB + 123, 42);
        long offset = 4096 + 17; // neither page nor 8-byte aligned
        int length = (int) (2 * ByteSize.MIB + 5);
        try (ModelMemory m = ModelMemory.load(file, offset, length, options)) {
            assertRegionEquals(file, offset, length, m.segment());
            assertEquals(options.mapsFile(), m.mode() == LoadMode.MMAP, m.report().summary());
            assertEquals(options.mlock(), m.report().locked());
            assertEquals(length, m.report().bytes());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void tensorRegionOfATestModelReadsBackByteEqual(String name, LoadOptions options) throws IOException {
        Path model = TestData.model("qwen3moe-a-q4_0");
        long size = Files.size(model);
        long offset = 1000; // stands in for the data section start; not page aligned on purpose
        int length = (int) (size - offset - 3);
        try (ModelMemory m = ModelMemory.load(model, offset, length, options)) {
            assertRegionEquals(model, offset, length, m.segment());
        }
    }

    @Test
    void closeUnmapsAndEndsTheSegment() throws IOException {
        Path file = TestFiles.random(dir, 64 * 1024, 7);
        for (LoadOptions options : new LoadOptions[]{LoadOptions.defaults(), LoadOptions.defaults().withMmap(false)}) {
            ModelMemory m = ModelMemory.load(file, 100, 50_000, options);
            MemorySegment segment = m.segment();
            long address = m.address();
            assertTrue(ProcSelf.isMapped(address));
            m.close();
            assertFalse(segment.scope().isAlive());
            assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_BYTE, 0));
            assertFalse(ProcSelf.isMapped(address), "still in /proc/self/maps after close: " + options);
            m.close(); // a second close is harmless
        }
    }

    @Test
    void segmentIsReadOnly() throws IOException {
        Path file = TestFiles.random(dir, 8192, 3);
        try (ModelMemory m = ModelMemory.load(file, 0, 8192, LoadOptions.defaults())) {
            assertThrows(IllegalArgumentException.class, () -> m.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 1));
        }
    }

    @Test
    void alignmentFollowsTheFileOffsetForMappings() throws IOException {
        Path file = TestFiles.random(dir, 5 * 4096, 5);
        try (ModelMemory aligned = ModelMemory.load(file, 8192, 4096, LoadOptions.defaults());
             ModelMemory unaligned = ModelMemory.load(file, 8192 + 32, 4096, LoadOptions.defaults())) {
            assertTrue(aligned.isAligned(4096));
            assertFalse(unaligned.isAligned(4096));
            assertTrue(unaligned.isAligned(32));
            assertEquals(32, unaligned.address() % 4096);
        }
    }

    @Test
    void copiesOnHugeOrTransparentPagesStartOn2MiB() throws IOException {
        Path file = TestFiles.random(dir, 1 << 20, 9);
        try (ModelMemory m = ModelMemory.load(file, 1, 1000, LoadOptions.defaults().withHugePages(HugePageMode.THP))) {
            if (m.mode() != LoadMode.ANON_4K) {
                assertTrue(m.isAligned(2 * ByteSize.MIB), Long.toHexString(m.address()));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> {
            try (ModelMemory m = ModelMemory.load(file, 0, 10, LoadOptions.defaults())) {
                m.isAligned(3000);
            }
        });
    }

    @Test
    void regionOutsideTheFileIsRefusedNamingFileAndOffset() throws IOException {
        Path file = TestFiles.random(dir, 1000, 1);
        var e = assertThrows(IllegalArgumentException.class,
                () -> ModelMemory.load(file, 900, 200, LoadOptions.defaults()));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("offset 900")
                && e.getMessage().contains("1000 bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelMemory.load(file, -1, 10, LoadOptions.defaults()));
        assertThrows(IllegalArgumentException.class, () -> ModelMemory.load(file, 0, 0, LoadOptions.defaults()));
        assertThrows(IllegalArgumentException.class,
                () -> ModelMemory.load(file, Long.MAX_VALUE, Long.MAX_VALUE, LoadOptions.defaults()));
        var missing = assertThrows(IOException.class,
                () -> ModelMemory.load(dir.resolve("nope.gguf"), 0, 1, LoadOptions.defaults()));
        assertTrue(missing.getMessage().contains("nope.gguf"));
    }

    @Test
    void reportSummaryNamesBytesModeAndSpeed() throws IOException {
        Path file = TestFiles.random(dir, 1 << 20, 11);
        try (ModelMemory m = ModelMemory.load(file, 0, 1 << 20, LoadOptions.defaults().withMmap(false))) {
            String s = m.report().summary();
            assertTrue(s.contains("1.0 MiB (1048576 bytes)") && s.contains("anon-4k") && s.contains("GB/s"), s);
            assertTrue(m.report().seconds() > 0 && m.report().gbPerSecond() > 0);
            assertFalse(m.report().fellBack());
        }
    }

    static void assertRegionEquals(Path file, long offset, int length, MemorySegment segment) throws IOException {
        assertEquals(length, segment.byteSize());
        byte[] expected = TestFiles.read(file, offset, length);
        assertEquals(-1, segment.mismatch(MemorySegment.ofArray(expected)), "region differs from the file");
    }
}
