package dev.jmoe.host.gguf;

import dev.jmoe.host.TestData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded mutations of the header region of every test file: each mutant either parses or fails with a
 * GgufFormatException, never anything else (no OutOfMemoryError, no hang). Mutants are parsed from an
 * in-memory copy of the header with the real file size, so no mutant touches the disk.
 */
class GgufFuzzTest {
    private static final long SEED = 0x6767_7566L;
    private static final int MUTANTS_PER_MODEL = 1100;
    private static final int MUTANTS_PER_VOCAB = 40;
    /** Values that break counts and lengths: zero, one, sign bits, near-overflow, huge. */
    private static final long[] NASTY = {0, 1, 2, 4, 5, 0x7F, 0xFF, 0xFFFF, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL,
            1L << 32, 1L << 40, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE, -1, -2};

    record Outcome(int parsed, int rejected) {}

    @Test
    void mutatedHeadersParseOrFailWithFormatException() throws IOException {
        List<Path> files;
        try (Stream<Path> models = Files.list(TestData.root().resolve("models"));
             Stream<Path> vocab = Files.list(TestData.root().resolve("vocab"))) {
            files = Stream.concat(models, vocab).filter(p -> p.toString().endsWith(".gguf")).sorted().toList();
        }
        int total = 0, rejected = 0;
        for (Path file : files) {
            int n = file.getParent().getFileName().toString().equals("models") ? MUTANTS_PER_MODEL : MUTANTS_PER_VOCAB;
            Outcome o = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> fuzz(file, n), file.toString());
            total += o.parsed + o.rejected;
            rejected += o.rejected;
        }
        assertTrue(total >= 10_000, "mutants: " + total);
        assertTrue(rejected > total / 4, "most structural mutations should be caught, rejected " + rejected + " of " + total);
    }

    private static Outcome fuzz(Path file, int mutants) throws IOException {
        GgufFile original = GgufFile.read(file);
        byte[] header = readPrefix(file, (int) original.dataStart());
        long metadataEnd = original.headerBytes() - tensorInfoBytes(original);
        Random rnd = new Random(SEED ^ file.getFileName().toString().hashCode());
        int parsed = 0, rejected = 0;
        for (int i = 0; i < mutants; i++) {
            byte[] mutant = header.clone();
            long size = original.fileSize();
            int edits = 1 + rnd.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = position(rnd, mutant.length, metadataEnd);
                switch (rnd.nextInt(5)) {
                    case 0 -> mutant[at] = (byte) rnd.nextInt(256);
                    case 1 -> mutant[at] ^= (byte) (1 << rnd.nextInt(8));
                    case 2, 3 -> putLong(mutant, at, NASTY[rnd.nextInt(NASTY.length)]);
                    default -> size = rnd.nextBoolean() ? at : size - 1 - rnd.nextInt(1 << 16);
                }
            }
            try {
                GgufReader.read(file, new InMemoryHeaderSource(mutant, Math.max(0, size)));
                parsed++;
            } catch (GgufFormatException expected) {
                rejected++;
            } catch (Throwable t) {
                fail("mutant " + i + " of " + file + " threw " + t, t);
            }
        }
        return new Outcome(parsed, rejected);
    }

    /** A third anywhere, a third in the first 64 bytes (preamble and first key), a third among the tensor infos. */
    private static int position(Random rnd, int length, long metadataEnd) {
        return switch (rnd.nextInt(3)) {
            case 0 -> rnd.nextInt(length);
            case 1 -> rnd.nextInt(Math.min(64, length));
            default -> metadataEnd < length ? (int) (metadataEnd + rnd.nextInt((int) (length - metadataEnd))) : rnd.nextInt(length);
        };
    }

    /** Bytes of the tensor infos, as the format lays them out: name, n_dims, ne[], type, offset. */
    private static long tensorInfoBytes(GgufFile f) {
        long n = 0;
        for (GgufTensorInfo t : f.tensors()) n += 8 + t.name().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 4 + 8L * t.dims() + 4 + 8;
        return n;
    }

    private static void putLong(byte[] b, int at, long v) {
        int n = Math.min(8, b.length - at);
        byte[] le = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
        System.arraycopy(le, 0, b, at, n);
    }

    private static byte[] readPrefix(Path file, int n) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        }
    }
}
