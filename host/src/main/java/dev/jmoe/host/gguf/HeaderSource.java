package dev.jmoe.host.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Where the reader gets header bytes from: positioned reads plus the total size, which bounds every
 * count and length. Files are read through a {@link FileChannel}; tests may supply bytes held in memory.
 */
interface HeaderSource {
    /** Total bytes of the file (tensor data included). */
    long size();

    /** Reads into {@code dst} from {@code position}; returns bytes read, -1 at the end. */
    int read(long position, ByteBuffer dst) throws IOException;

    static HeaderSource of(FileChannel channel) throws IOException {
        long size = channel.size();
        return new HeaderSource() {
            public long size() { return size; }
            public int read(long position, ByteBuffer dst) throws IOException { return channel.read(dst, position); }
        };
    }
}
