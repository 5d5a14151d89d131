package dev.jmoe.host.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a GGUF v3 file: metadata in insertion order, tensor infos in insertion order, each tensor's
 * data at the next multiple of the alignment ({@code general.alignment} if set, else 32) and padded to it.
 */
public final class GgufWriter {
    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();
    private final Set<String> tensorNames = new HashSet<>();

    private record PendingTensor(String name, GgmlType type, long[] shape, MemorySegment data) {}

    /** Adds a metadata entry; keys are unique. */
    public GgufWriter put(String key, GgufValue value) {
        if (metadata.putIfAbsent(key, value) != null) throw new IllegalArgumentException("duplicate metadata key '" + key + "'");
        return this;
    }

    public GgufWriter putAll(GgufMetadata values) {
        values.asMap().forEach(this::put);
        return this;
    }

    /** Adds a tensor whose data (exactly its size in bytes) is copied when the file is written. */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, MemorySegment data) {
        if (!tensorNames.add(name)) throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        if (shape.length < 1 || shape.length > GgufReader.MAX_DIMS) throw new IllegalArgumentException(name + ": 1 to 4 dimensions");
        long elements = 1;
        for (long d : shape) {
            if (d <= 0) throw new IllegalArgumentException(name + ": dimensions must be positive: " + Arrays.toString(shape));
            elements = Math.multiplyExact(elements, d);
        }
        if (shape[0] % type.blockSize != 0) throw new IllegalArgumentException(name + ": ne[0] " + shape[0] + " is not whole " + type + " blocks");
        if (data.byteSize() != type.bytesFor(elements)) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes of data, the shape needs " + type.bytesFor(elements));
        }
        tensors.add(new PendingTensor(name, type, shape.clone(), data));
        return this;
    }

    public GgufWriter addTensor(String name, GgmlType type, long[] shape, byte[] data) {
        return addTensor(name, type, shape, MemorySegment.ofArray(data));
    }

    /** An F32 tensor from floats (written little-endian whatever the platform). */
    public GgufWriter addTensor(String name, long[] shape, float[] data) {
        ByteBuffer le = ByteBuffer.allocate(Math.multiplyExact(data.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
        le.asFloatBuffer().put(data);
        return addTensor(name, GgmlType.F32, shape, le.array());
    }

    public void write(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            write(ch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    public void write(WritableByteChannel out) throws IOException {
        int alignment = alignment();
        Sink sink = new Sink(out);
        sink.u32(GgufReader.MAGIC);
        sink.u32(3);
        sink.u64(tensors.size());
        sink.u64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            sink.string(e.getKey());
            sink.u32(e.getValue().type().id);
            sink.value(e.getValue());
        }
        long offset = 0;
        for (PendingTensor t : tensors) {
            sink.string(t.name);
            sink.u32(t.shape.length);
            for (long d : t.shape) sink.u64(d);
            sink.u32(t.type.id);
            sink.u64(offset);
            offset = GgufReader.alignUp(offset + t.data.byteSize(), alignment);
        }
        sink.padTo(alignment);
        for (PendingTensor t : tensors) {
            sink.segment(t.data);
            sink.padTo(alignment);
        }
        sink.flush();
    }

    private int alignment() {
        GgufValue v = metadata.get(GgufReader.ALIGNMENT_KEY);
        if (v == null) return GgufReader.DEFAULT_ALIGNMENT;
        long a = v.integerValue().orElseThrow(() -> new IllegalArgumentException(GgufReader.ALIGNMENT_KEY + " must be an integer"));
        if (!GgufReader.isValidAlignment(a)) throw new IllegalArgumentException(GgufReader.ALIGNMENT_KEY + " " + a + " is not a power of two");
        return (int) a;
    }

    /** Little-endian output through a 1 MiB buffer, counting bytes for the alignment padding. */
    private static final class Sink {
        private final WritableByteChannel out;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        private long written;

        Sink(WritableByteChannel out) {
            this.out = out;
        }

        void u32(long v) throws IOException {
            room(4).putInt((int) v);
        }

        void u64(long v) throws IOException {
            room(8).putLong(v);
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            segment(MemorySegment.ofArray(b));
        }

        void value(GgufValue v) throws IOException {
            switch (v) {
                case GgufValue.Str s -> string(s.value());
                case GgufValue.Array a -> {
                    u32(a.elementType().id);
                    u64(a.size());
                    for (GgufValue item : a.items()) value(item);
                }
                default -> FixedValues.encode(v, room(8));
            }
        }

        void segment(MemorySegment data) throws IOException {
            for (long done = 0; done < data.byteSize(); ) {
                ByteBuffer b = room(1);
                int chunk = (int) Math.min(b.remaining(), data.byteSize() - done);
                MemorySegment.ofBuffer(b).asSlice(0, chunk).copyFrom(data.asSlice(done, chunk));
                b.position(b.position() + chunk);
                done += chunk;
            }
        }

        void padTo(int alignment) throws IOException {
            long pad = GgufReader.alignUp(position(), alignment) - position();
            for (long i = 0; i < pad; i++) room(1).put((byte) 0);
        }

        long position() {
            return written + buf.position();
        }

        private ByteBuffer room(int n) throws IOException {
            if (buf.remaining() < n) flush();
            return buf;
        }

        void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) written += out.write(buf);
            buf.clear();
        }
    }
}
