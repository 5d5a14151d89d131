package dev.jmoe.host.mem;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The FFM wrappers turn a failed syscall's errno into its name. */
class NativeCallsTest {
    @TempDir
    Path dir;

    @Test
    void mmapWithoutSharedOrPrivateIsEinval() {
        var e = assertThrows(NativeCallException.class,
                () -> Mman.mmap(4096, Mman.PROT_READ, Mman.MAP_ANONYMOUS, -1, 0));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().startsWith("mmap(length=4096") && e.getMessage().endsWith("EINVAL (Invalid argument)"),
                e.getMessage());
    }

    @Test
    void openOfAMissingFileIsEnoent() {
        var e = assertThrows(NativeCallException.class, () -> Fcntl.openReadOnly(dir.resolve("missing")));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("missing"));
    }

    @Test
    void munmapOfAnUnalignedAddressIsEinval() {
        var e = assertThrows(NativeCallException.class, () -> Mman.munmap(4097, 4096));
        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void pageSizeIsAPowerOfTwo() {
        assertEquals(1, Long.bitCount(Mman.PAGE_SIZE));
        assertTrue(Mman.PAGE_SIZE >= 4096);
    }

    @Test
    void unknownErrnoKeepsItsNumber() {
        assertEquals("errno 200", Errno.describe(200));
        assertEquals("EPERM (Operation not permitted)", Errno.describe(1));
    }

    @Test
    void byteSizesReadLikePeopleWriteThem() {
        assertEquals("512 B", ByteSize.format(512));
        assertEquals("8.0 MiB", ByteSize.format(8 * ByteSize.MIB));
        assertEquals("12.3 GiB", ByteSize.format((long) (12.3 * ByteSize.GIB)));
        assertEquals("1.0 GiB", ByteSize.format(ByteSize.GIB - 4096));
        assertEquals("1023.9 MiB", ByteSize.format(ByteSize.GIB - 110 * ByteSize.KIB));
        assertEquals("1.0 KiB", ByteSize.format(1024));
        assertEquals(4096, ByteSize.roundUp(1, 4096));
        assertEquals(8192, ByteSize.roundDown(8193, 4096));
    }
}
