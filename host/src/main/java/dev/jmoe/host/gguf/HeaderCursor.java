package dev.jmoe.host.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Sequential little-endian reads of a GGUF header through a 64 KiB buffer. Every read is checked
 * against the bytes the file has (and the header limit) before anything is allocated, so a corrupt
 * length fails with a {@link GgufFormatException} at the offset of the field.
 */
final class HeaderCursor {
    /**
     * The most header bytes (metadata and tensor infos) accepted. Real headers are at most tens of MiB
     * (large vocabularies); a longer one means a corrupt count is pointing into tensor data, and decoding
     * gigabytes of it as metadata would exhaust the heap.
     */
    static final long MAX_HEADER_BYTES = 1L << 30;

    private final Path file;
    private final HeaderSource source;
    private final long size;
    private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private long bufStart;
    private long pos;

    HeaderCursor(Path file, HeaderSource source) {
        this.file = file;
        this.source = source;
        this.size = source.size();
        buf.limit(0);
    }

    long position() {
        return pos;
    }

    long size() {
        return size;
    }

    /** Bytes left before the end of the file. */
    long remaining() {
        return size - pos;
    }

    GgufFormatException error(long at, String problem) {
        return new GgufFormatException(file, at, problem);
    }

    int u8(String what) {
        return Byte.toUnsignedInt(fixed(1, what).get(offsetInBuf(1)));
    }

    long u32(String what) {
        return Integer.toUnsignedLong(fixed(4, what).getInt(offsetInBuf(4)));
    }

    /** A uint64 in a long's bits (values above 2^63 come back negative). */
    long u64(String what) {
        return fixed(8, what).getLong(offsetInBuf(8));
    }

    /** The buffer holding the next {@code n} bytes, which must exist; use {@link #offsetInBuf} to read them. */
    ByteBuffer fixed(int n, String what) {
        ensure(n, what);
        return buf;
    }

    /** The index of the next {@code n} bytes in the buffer; advances past them. */
    int offsetInBuf(int n) {
        int at = (int) (pos - bufStart);
        pos += n;
        return at;
    }

    /** Reads {@code n} bytes, {@code n} already checked against {@link #remaining()}. */
    byte[] bytes(int n, String what) {
        require(n, what);
        byte[] out = new byte[n];
        int done = 0;
        while (done < n) {
            int chunk = Math.min(n - done, buf.capacity());
            ensure(chunk, what);
            buf.get(offsetInBuf(chunk), out, done, chunk);
            done += chunk;
        }
        return out;
    }

    /** A uint64 length and that many UTF-8 bytes. */
    String string(String what) {
        long at = pos;
        long len = u64(what + " length");
        if (len < 0 || len > remaining()) {
            throw error(at, what + " length " + Long.toUnsignedString(len) + " exceeds the " + remaining()
                    + " bytes left in the file");
        }
        if (len > Integer.MAX_VALUE - 8) throw error(at, what + " length " + len + " is too long for a string");
        return new String(bytes((int) len, what), StandardCharsets.UTF_8);
    }

    private void require(long n, String what) {
        if (n > remaining()) {
            throw error(pos, "truncated: " + what + " needs " + n + " bytes, the file ends at byte " + size);
        }
        if (pos + n > MAX_HEADER_BYTES) {
            throw error(pos, what + " would take the header past " + (MAX_HEADER_BYTES >> 20) + " MiB; a count or length is corrupt");
        }
    }

    private void ensure(int n, String what) {
        if (pos >= bufStart && pos + n <= bufStart + buf.limit()) return;
        require(n, what);
        buf.clear();
        try {
            while (buf.hasRemaining()) {
                int r = source.read(pos + buf.position(), buf);
                if (r <= 0) break; // end of file (or a source that stalls): never spin
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file + " at byte " + pos, e);
        }
        buf.flip();
        bufStart = pos;
        if (buf.limit() < n) {
            throw error(pos, "truncated: " + what + " needs " + n + " bytes, the file ends at byte " + (pos + buf.limit()));
        }
    }
}
