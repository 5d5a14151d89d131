package dev.jmoe.host.mem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/** Temp files with known bytes, and the reference reader tests compare mapped memory against. */
final class TestFiles {
    private TestFiles() {}

    /** A file of {@code size} pseudo-random bytes from {@code seed}. */
    static Path random(Path dir, long size, long seed) throws IOException {
        byte[] bytes = new byte[Math.toIntExact(size)];
        new SplittableRandom(seed).nextBytes(bytes);
        return Files.write(dir.resolve("data-" + seed + ".bin"), bytes);
    }

    /** The region read with plain FileChannel reads: the reference. */
    static byte[] read(Path file, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    throw new IOException(file + " ended early");
                }
            }
        }
        return buffer.array();
    }
}
