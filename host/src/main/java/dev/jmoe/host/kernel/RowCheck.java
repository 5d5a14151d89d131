package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/** The one check every kernel entry makes: whole blocks, and the bytes lie inside the segment. */
final class RowCheck {
    private RowCheck() {}

    static void check(GgmlType type, MemorySegment s, long offset, int n) {
        if (n < 0 || n % type.blockSize != 0) {
            throw new IllegalArgumentException("row of " + n + " elements is not a whole number of "
                    + type + " blocks of " + type.blockSize);
        }
        long bytes = type.bytesFor(n);
        if (offset < 0 || offset + bytes > s.byteSize()) {
            throw new IndexOutOfBoundsException(type + " row of " + n + " elements (" + bytes + " bytes) at offset "
                    + offset + " runs past the end of a segment of " + s.byteSize() + " bytes");
        }
    }
}
