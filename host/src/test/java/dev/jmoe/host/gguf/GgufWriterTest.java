package dev.jmoe.host.gguf;

import dev.jmoe.host.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GgufWriterTest {
    @TempDir
    Path dir;

    /** One value of every type, arrays of every kind, nested arrays, an empty array. */
    static GgufMetadata allTypes() {
        var m = new java.util.LinkedHashMap<String, GgufValue>();
        m.put("general.alignment", new GgufValue.UInt32(64));
        m.put("t.u8", new GgufValue.UInt8(255));
        m.put("t.i8", new GgufValue.Int8((byte) -128));
        m.put("t.u16", new GgufValue.UInt16(65535));
        m.put("t.i16", new GgufValue.Int16((short) -32768));
        m.put("t.u32", new GgufValue.UInt32(0xFFFF_FFFFL));
        m.put("t.i32", new GgufValue.Int32(Integer.MIN_VALUE));
        m.put("t.f32", new GgufValue.Float32(-1.5e-7f));
        m.put("t.bool", new GgufValue.Bool(true));
        m.put("t.str", new GgufValue.Str("héllo \"wörld\"\n"));
        m.put("t.u64", new GgufValue.UInt64(-1L));
        m.put("t.i64", new GgufValue.Int64(Long.MIN_VALUE));
        m.put("t.f64", new GgufValue.Float64(Math.PI));
        m.put("t.arr.str", GgufValue.Array.ofStrings(List.of("a", "", "ünï", "x".repeat(300))));
        m.put("t.arr.i32", GgufValue.Array.ofInt32(1, -2, 3));
        m.put("t.arr.f32", GgufValue.Array.ofFloat32(0.5f, Float.NaN, -0f));
        m.put("t.arr.bool", new GgufValue.Array(GgufValueType.BOOL, List.of(new GgufValue.Bool(true), new GgufValue.Bool(false))));
        m.put("t.arr.u64", new GgufValue.Array(GgufValueType.UINT64, List.of(new GgufValue.UInt64(1L << 63))));
        m.put("t.arr.empty", new GgufValue.Array(GgufValueType.FLOAT64, List.of()));
        m.put("t.arr.nested", new GgufValue.Array(GgufValueType.ARRAY, List.of(
                GgufValue.Array.ofInt32(7, 8),
                GgufValue.Array.ofStrings(List.of("p", "q")),
                new GgufValue.Array(GgufValueType.ARRAY, List.of(GgufValue.Array.ofFloat32(1f))))));
        return GgufMetadata.of(m);
    }

    @Test
    void roundTripKeepsEveryValueTypeAndTensorBytes() throws IOException {
        Random rnd = new Random(1);
        float[] f32 = new float[8 * 3];
        for (int i = 0; i < f32.length; i++) f32[i] = rnd.nextFloat() - 0.5f;
        byte[] q8 = new byte[34 * 2 * 5];
        rnd.nextBytes(q8);
        MemorySegment f16 = MemorySegment.ofArray(new short[] {1, 2, 3, 4, 5, 6, 7, 8});
        Path file = dir.resolve("all.gguf");
        new GgufWriter().putAll(allTypes())
                .addTensor("a.f32", new long[] {8, 3}, f32)
                .addTensor("b.q8", GgmlType.Q8_0, new long[] {64, 5}, q8)
                .addTensor("c.f16", GgmlType.F16, new long[] {2, 2, 2}, f16)
                .write(file);

        GgufModel model = GgufModel.open(file);
        assertEquals(allTypes(), model.metadata());
        assertEquals(List.of("a.f32", "b.q8", "c.f16"), model.tensors().stream().map(GgufTensorInfo::name).toList());
        GgufTensorInfo b = model.tensor("b.q8");
        assertEquals(GgmlType.Q8_0, b.type());
        assertArrayEquals(new long[] {64, 5}, b.shape());
        for (GgufTensorInfo t : model.tensors()) assertEquals(0, t.fileOffset() % 64, t.name() + " aligned to 64");
        try (TensorDataSource data = TensorDataSource.open(model)) {
            MemorySegment a = data.segment(model.tensor("a.f32"));
            for (int i = 0; i < f32.length; i++) {
                assertEquals(f32[i], a.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * i));
            }
            assertArrayEquals(q8, data.segment(b).toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(f16.toArray(ValueLayout.JAVA_BYTE), data.segment(model.tensor("c.f16")).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void headerBytesFollowTheSpecification() throws IOException {
        Path file = dir.resolve("one.gguf");
        new GgufWriter().put("k", new GgufValue.UInt32(7)).addTensor("t", new long[] {1}, new float[] {2f}).write(file);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        // magic, version 3, 1 tensor, 1 kv; key "k" (len 1), type uint32 (4), value 7
        assertEquals('G', b.get(0));
        assertEquals('F', b.get(3));
        assertEquals(3, b.getInt(4));
        assertEquals(1, b.getLong(8));
        assertEquals(1, b.getLong(16));
        assertEquals(1, b.getLong(24));
        assertEquals('k', b.get(32));
        assertEquals(4, b.getInt(33));
        assertEquals(7, b.getInt(37));
        // tensor info: name "t", n_dims 1, ne0 1, type F32 (0), offset 0; header ends at 41+8+1+4+8+4+8 = 74
        assertEquals(1, b.getLong(41));
        assertEquals('t', b.get(49));
        assertEquals(1, b.getInt(50));
        assertEquals(1, b.getLong(54));
        assertEquals(0, b.getInt(62));
        assertEquals(0, b.getLong(66));
        assertEquals(96 + 32, b.capacity(), "data at 96 (74 rounded up to 32), padded to 32");
        assertEquals(2f, b.getFloat(96));
    }

    @Test
    void rewritingATestModelReproducesTheReferenceFileByteForByte() throws IOException {
        Path original = TestData.model("qwen3moe-a-q4_k_m");
        GgufModel model = GgufModel.open(original);
        Path copy = dir.resolve("copy.gguf");
        try (TensorDataSource data = TensorDataSource.open(model)) {
            GgufWriter w = new GgufWriter().putAll(model.metadata());
            for (GgufTensorInfo t : model.tensors()) w.addTensor(t.name(), t.type(), t.shape(), data.segment(t));
            w.write(copy);
        }
        GgufModel reread = GgufModel.open(copy);
        assertEquals(model.metadata(), reread.metadata());
        List<String> expected = new ArrayList<>(), actual = new ArrayList<>();
        for (GgufTensorInfo t : model.tensors()) expected.add(t.name() + " " + t.type() + " " + t.shapeText() + " " + t.fileOffset());
        for (GgufTensorInfo t : reread.tensors()) actual.add(t.name() + " " + t.type() + " " + t.shapeText() + " " + t.fileOffset());
        assertEquals(expected, actual);
        try (TensorDataSource a = TensorDataSource.open(model); TensorDataSource b = TensorDataSource.open(reread)) {
            for (GgufTensorInfo t : model.tensors()) {
                assertEquals(-1, a.segment(t).mismatch(b.segment(reread.tensor(t.name()))), t.name());
            }
        }
        assertEquals(-1, Files.mismatch(original, copy), "the reference writer and ours produce the same bytes");
    }

    @Test
    void hugePageAlignmentIsReportedAndKeptInTheMapping() {
        Path file = dir.resolve("aligned.gguf");
        new GgufWriter().put("general.alignment", new GgufValue.UInt32(GgufTensorInfo.PAGE_2M))
                .addTensor("a", new long[] {3}, new float[] {1, 2, 3})
                .addTensor("b", GgmlType.IQ2_XXS, new long[] {256, 2}, new byte[66 * 2])   // a type no kernel computes yet
                .addTensor("c.mx", GgmlType.MXFP4, new long[] {32}, new byte[17])
                .write(file);
        GgufModel model = GgufModel.open(file);
        assertEquals(List.of(GgmlType.F32, GgmlType.IQ2_XXS, GgmlType.MXFP4), model.tensors().stream().map(GgufTensorInfo::type).toList());
        try (TensorDataSource data = TensorDataSource.open(model)) {
            for (GgufTensorInfo t : model.tensors()) {
                assertTrue(t.isAligned2M() && t.isAligned4K(), t.toString());
                assertEquals(0, data.segment(t).address() % GgufTensorInfo.PAGE_4K, "mapped " + t.name() + " starts on a page");
            }
        }
        GgufModel small = GgufModel.open(writeTwoSmallTensors());
        assertFalse(small.tensors().get(1).isAligned4K(), "second tensor at data offset 32 of a 32-aligned file");
    }

    private Path writeTwoSmallTensors() {
        Path file = dir.resolve("small.gguf");
        new GgufWriter().addTensor("x", new long[] {1}, new float[] {1}).addTensor("y", new long[] {1}, new float[] {2}).write(file);
        return file;
    }

    @Test
    void writerRejectsDataOfTheWrongSize() {
        var w = new GgufWriter();
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> w.addTensor("x", GgmlType.Q8_0, new long[] {32}, new byte[33]));
        assertTrue(e.getMessage().contains("34"), e.getMessage());
        assertFalse(e.getMessage().isEmpty());
    }
}
