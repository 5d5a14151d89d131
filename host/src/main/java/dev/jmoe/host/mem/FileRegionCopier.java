package dev.jmoe.host.mem;

import dev.jmoe.host.ui.ProgressBar;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Reads a file region into memory with positional FileChannel reads in large chunks (a ByteBuffer
 * view holds at most 2 GiB, and 64 MiB keeps the progress bar moving without costing throughput).
 */
final class FileRegionCopier {
    static final int CHUNK = 64 << 20;

    private FileRegionCopier() {}

    /** Copies {@code dst.byteSize()} bytes of {@code file} starting at {@code offset} into {@code dst}. */
    static void copy(FileChannel channel, Path file, long offset, MemorySegment dst, ProgressBar progress)
            throws IOException {
        long length = dst.byteSize();
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(CHUNK, length - done);
            ByteBuffer buffer = dst.asSlice(done, n).asByteBuffer();
            while (buffer.hasRemaining()) {
                long at = offset + done + buffer.position();
                if (channel.read(buffer, at) < 0) {
                    throw new EOFException(file + ": ends at byte " + at + " inside the region [" + offset + ", "
                            + (offset + length) + ")");
                }
            }
            done += n;
            progress.update(done);
        }
    }
}
