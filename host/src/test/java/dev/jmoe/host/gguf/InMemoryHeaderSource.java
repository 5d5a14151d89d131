package dev.jmoe.host.gguf;

import java.nio.ByteBuffer;

/**
 * Test double for a file: the first bytes held in memory, a declared total size, zeros beyond the
 * held bytes. Lets the fuzz test parse thousands of mutated headers of a large file without writing
 * any of them to disk.
 */
final class InMemoryHeaderSource implements HeaderSource {
    private final byte[] bytes;
    private final long size;

    InMemoryHeaderSource(byte[] bytes, long size) {
        this.bytes = bytes;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long position, ByteBuffer dst) {
        if (position >= size) return -1;
        int n = (int) Math.min(dst.remaining(), size - position);
        int held = position >= bytes.length ? 0 : (int) Math.min(n, bytes.length - position);
        if (held > 0) dst.put(bytes, (int) position, held);
        for (int i = held; i < n; i++) dst.put((byte) 0);
        return n;
    }
}
