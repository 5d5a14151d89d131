package dev.jmoe.host.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-built bad files: each fails with a GgufFormatException naming the file, the offset and the problem. */
class GgufBadInputTest {
    @TempDir
    Path dir;

    private GgufFormatException fails(GgufBytes bytes, long offset, String problem) throws IOException {
        Path file = dir.resolve("bad.gguf");
        Files.write(file, bytes.bytes());
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.read(file));
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file + " at byte " + offset + ": "), e.getMessage());
        assertTrue(e.problem().contains(problem), "expected '" + problem + "' in: " + e.getMessage());
        return e;
    }

    @Test
    void wrongMagic() throws IOException {
        GgufBytes b = new GgufBytes().raw("GGML".getBytes()).u32(3).u64(0).u64(0);
        fails(b, 0, "wrong magic");
    }

    @Test
    void unsupportedVersions() throws IOException {
        fails(GgufBytes.header(1, 0, 0), 4, "unsupported GGUF version 1");
        fails(GgufBytes.header(4, 0, 0), 4, "unsupported GGUF version 4");
        fails(GgufBytes.header(3L << 24, 0, 0), 4, "big-endian");
    }

    @Test
    void versionTwoParses() throws IOException {
        Path file = dir.resolve("v2.gguf");
        Files.write(file, GgufBytes.header(2, 1, 1).kvU32("a.b", 5).tensor("t", GgmlType.F32, 0, 2).pad(32).zeros(8).bytes());
        GgufFile f = GgufFile.read(file);
        assertEquals(2, f.version());
        assertEquals(5, f.metadata().getInt("a.b"));
        assertEquals(1, f.tensors().size());
    }

    @Test
    void truncatedHeader() throws IOException {
        GgufBytes b = GgufBytes.header(3, 0, 1).str("key").u32(GgufValueType.UINT64.id);
        long at = b.mark();
        fails(b.u32(0), at, "truncated");
        fails(new GgufBytes().raw("GG".getBytes()), 0, "truncated");
    }

    @Test
    void truncatedMidCounts() throws IOException {
        fails(new GgufBytes().raw("GGUF".getBytes()).u32(3).u32(0), 8, "truncated");
    }

    @Test
    void absurdStringLength() throws IOException {
        GgufBytes b = GgufBytes.header(3, 0, 1);
        long at = b.mark();
        fails(b.u64(1L << 62).zeros(64), at, "metadata key length 4611686018427387904 exceeds");
    }

    @Test
    void absurdCounts() throws IOException {
        fails(GgufBytes.header(3, 1L << 40, 0).zeros(100), 8, "tensor count 1099511627776 cannot fit");
        fails(GgufBytes.header(3, 0, -1).zeros(100), 16, "metadata entry count 18446744073709551615 cannot fit");
        GgufBytes arr = GgufBytes.header(3, 0, 1).str("a").u32(GgufValueType.ARRAY.id).u32(GgufValueType.STRING.id);
        long at = arr.mark();
        fails(arr.u64(1000).zeros(100), at, "array of 1000 string values cannot fit");
    }

    @Test
    void tooManyDimensions() throws IOException {
        GgufBytes b = GgufBytes.header(3, 1, 0).str("t");
        long at = b.mark();
        fails(b.u32(5).zeros(200), at, "n_dims 5 outside 1..4");
    }

    @Test
    void nonPositiveAndOverflowingShapes() throws IOException {
        GgufBytes zero = GgufBytes.header(3, 1, 0).str("t").u32(2).u64(4);
        long at = zero.mark();
        fails(zero.u64(0).u32(0).u64(0).zeros(64), at, "ne[1] = 0 is not a positive size");

        GgufBytes negative = GgufBytes.header(3, 1, 0).str("t").u32(1);
        fails(negative.u64(-5).u32(0).u64(0).zeros(64), 24 + 8 + 1 + 4, "ne[0] = 18446744073709551611 is not a positive size");

        GgufBytes big = GgufBytes.header(3, 1, 0).str("t").u32(3).u64(1L << 32).u64(1L << 30);
        long bigAt = big.mark();
        fails(big.u64(4).u32(0).u64(0).zeros(64), bigAt, "element count overflows");
    }

    @Test
    void dataSizeOverflowingALong() throws IOException {
        GgufBytes b = GgufBytes.header(3, 1, 0).str("t");
        long at = b.mark();
        fails(b.u32(1).u64(1L << 62).u32(GgmlType.F32.id).u64(0).zeros(64), at, "take more than 2^63 bytes");
    }

    @Test
    void rowNotAWholeNumberOfBlocks() throws IOException {
        GgufBytes b = GgufBytes.header(3, 1, 0).str("t");
        long at = b.mark();
        fails(b.u32(2).u64(100).u64(2).u32(GgmlType.Q4_K.id).u64(0).pad(32).zeros(4096), at,
                "ne[0] = 100 elements is not a multiple of the Q4_K block size 256");
    }

    @Test
    void unknownTypes() throws IOException {
        GgufBytes t = GgufBytes.header(3, 1, 0).str("t").u32(1).u64(32);
        long at = t.mark();
        fails(t.u32(99).u64(0).pad(32).zeros(256), at, "unknown ggml type id 99");
        GgufBytes retired = GgufBytes.header(3, 1, 0).str("t").u32(1).u64(32);
        fails(retired.u32(4).u64(0).pad(32).zeros(256), at, "unknown ggml type id 4");
        GgufBytes v = GgufBytes.header(3, 0, 1).str("k");
        long vAt = v.mark();
        fails(v.u32(13).u32(0), vAt, "unknown metadata value type 13");
        GgufBytes e = GgufBytes.header(3, 0, 1).str("k").u32(GgufValueType.ARRAY.id);
        long eAt = e.mark();
        fails(e.u32(77).u64(0), eAt, "unknown array element type 77");
    }

    @Test
    void tensorDataOutsideTheFile() throws IOException {
        GgufBytes b = GgufBytes.header(3, 1, 0).str("t").u32(1).u64(64).u32(GgmlType.F32.id);
        long at = b.mark();
        fails(b.u64(0).pad(32).zeros(255), at, "lies outside the file");   // 256 bytes needed, 255 present
        GgufBytes far = GgufBytes.header(3, 1, 0).str("t").u32(1).u64(8).u32(GgmlType.F32.id);
        fails(far.u64(-32).pad(32).zeros(64), at, "lies outside the file");
    }

    @Test
    void overlappingTensors() throws IOException {
        GgufBytes b = GgufBytes.header(3, 2, 0).tensor("a", GgmlType.F32, 0, 16);
        long secondAt = b.mark() + 8 + 1 + 4 + 8 + 4;
        fails(b.tensor("b", GgmlType.F32, 32, 16).pad(32).zeros(128), secondAt, "tensor 'b': data [32, 96) overlaps tensor 'a' [0, 64)");
    }

    @Test
    void misalignedOffset() throws IOException {
        GgufBytes b = GgufBytes.header(3, 1, 0).str("t").u32(1).u64(4).u32(GgmlType.F32.id);
        long at = b.mark();
        fails(b.u64(16).pad(32).zeros(64), at, "data offset 16 is not a multiple of the alignment 32");
    }

    @Test
    void alignmentNotAPowerOfTwo() throws IOException {
        GgufBytes b = GgufBytes.header(3, 0, 1);
        long at = b.mark();
        fails(b.kvU32("general.alignment", 48), at, "general.alignment 48 is not a power of two");
    }

    @Test
    void duplicateKeyAndTensorName() throws IOException {
        GgufBytes k = GgufBytes.header(3, 0, 2).kvU32("a", 1);
        long at = k.mark();
        fails(k.kvU32("a", 2), at, "duplicate metadata key 'a' (first at byte 24)");
        GgufBytes t = GgufBytes.header(3, 2, 0).tensor("w", GgmlType.F32, 0, 8);
        long tAt = t.mark();
        fails(t.tensor("w", GgmlType.F32, 32, 8).pad(32).zeros(64), tAt, "duplicate tensor name 'w'");
    }

    @Test
    void badBoolAndTooDeepNesting() throws IOException {
        GgufBytes b = GgufBytes.header(3, 0, 1).str("flag").u32(GgufValueType.BOOL.id);
        long at = b.mark();
        fails(b.u8(2), at, "bool value is neither 0 nor 1");
        GgufBytes deep = GgufBytes.header(3, 0, 1).str("deep").u32(GgufValueType.ARRAY.id);
        for (int i = 0; i < 20; i++) deep.u32(GgufValueType.ARRAY.id).u64(1);
        fails(deep.zeros(64), 40 + 8 * 12, "arrays nested deeper than 8");
    }

    @Test
    void wrongTypeFromAGetterNamesKeyAndTypes() throws IOException {
        Path file = dir.resolve("md.gguf");
        Files.write(file, GgufBytes.header(3, 0, 1).str("x.count").u32(GgufValueType.STRING.id).str("seven").bytes());
        GgufMetadata md = GgufFile.read(file).metadata();
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> md.getInt("x.count"));
        assertEquals(24, e.offset());
        assertTrue(e.getMessage().contains("metadata key 'x.count': expected an integer, found string"), e.getMessage());
        GgufFormatException missing = assertThrows(GgufFormatException.class, () -> md.getString("y"));
        assertTrue(missing.getMessage().contains("missing metadata key 'y'"), missing.getMessage());
        assertThrows(GgufFormatException.class, () -> md.getArray("x.count"));
    }

    @Test
    void unreadableFileIsAnIoErrorNotAFormatError() {
        assertThrows(java.io.UncheckedIOException.class, () -> GgufFile.read(dir.resolve("absent.gguf")));
    }
}
