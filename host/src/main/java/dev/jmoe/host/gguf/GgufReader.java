package dev.jmoe.host.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the header of a GGUF v2 or v3 file: magic, version, counts, metadata, tensor infos, and checks
 * that the tensor data the infos describe lies inside the file, aligned and without overlaps. Reads only
 * the header, through buffered channel reads; the data is never touched.
 */
public final class GgufReader {
    /** "GGUF" read as a little-endian uint32. */
    static final long MAGIC = 0x46554747L;
    static final int DEFAULT_ALIGNMENT = 32;
    static final String ALIGNMENT_KEY = "general.alignment";
    /** ggml tensors have at most four dimensions. */
    static final int MAX_DIMS = 4;
    /** Arrays of arrays nest at most this deep (bounds the recursion, not the format). */
    static final int MAX_ARRAY_DEPTH = 8;
    /** Smallest tensor info: name length, n_dims, one dimension, type, offset. */
    private static final int MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;
    /** Smallest metadata entry: key length, value type, one-byte value. */
    private static final int MIN_KV_BYTES = 8 + 4 + 1;

    private final Path file;
    private final HeaderCursor in;

    private GgufReader(Path file, HeaderSource source) {
        this.file = file;
        this.in = new HeaderCursor(file, source);
    }

    /** Reads the header of a GGUF file. */
    public static GgufFile read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file, HeaderSource.of(ch));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UncheckedIOException("no such file: " + file, e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new UncheckedIOException("permission denied: " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a header from any source; {@code file} names it in messages. */
    static GgufFile read(Path file, HeaderSource source) {
        return new GgufReader(file, source).parse();
    }

    private GgufFile parse() {
        int version = readPreamble();
        long tensorCount = readCount("tensor count", MIN_TENSOR_INFO_BYTES);
        long kvCount = readCount("metadata entry count", MIN_KV_BYTES);
        GgufMetadata metadata = new MetadataReader(in, file).read(kvCount);
        int alignment = alignment(metadata);
        List<RawTensor> raw = readTensorInfos(tensorCount);
        long headerBytes = in.position();
        long dataStart = alignUp(headerBytes, alignment);
        List<GgufTensorInfo> tensors = new TensorLayout(in, file, alignment, dataStart).check(raw);
        return new GgufFile(file, version, metadata, tensors, alignment, headerBytes, dataStart, in.size());
    }

    private int readPreamble() {
        long magic = in.u32("magic");
        if (magic != MAGIC) {
            throw in.error(0, String.format("wrong magic: expected \"GGUF\" (47 47 55 46), found %02x %02x %02x %02x",
                    magic & 0xFF, magic >> 8 & 0xFF, magic >> 16 & 0xFF, magic >> 24 & 0xFF));
        }
        long version = in.u32("version");
        if (version != 2 && version != 3) {
            String hint = version == 1 ? " (v1 used 32-bit counts; re-convert the model)"
                    : (version & 0xFFFF) == 0 && version != 0 ? " (a big-endian file?)" : "";
            throw in.error(4, "unsupported GGUF version " + version + hint + "; this reader reads versions 2 and 3");
        }
        return (int) version;
    }

    /** A uint64 count whose items need at least {@code minItemBytes} each: bounded by the bytes left. */
    private long readCount(String what, int minItemBytes) {
        long at = in.position();
        long n = in.u64(what);
        if (n < 0 || n > in.remaining() / minItemBytes) {
            throw in.error(at, what + " " + Long.toUnsignedString(n) + " cannot fit in the " + in.remaining()
                    + " bytes left in the file");
        }
        return n;
    }

    private int alignment(GgufMetadata metadata) {
        if (!metadata.contains(ALIGNMENT_KEY)) return DEFAULT_ALIGNMENT;
        long at = metadata.offsetOf(ALIGNMENT_KEY);
        GgufValue v = metadata.get(ALIGNMENT_KEY);
        long a = v.integerValue().orElseThrow(() -> in.error(at, ALIGNMENT_KEY + " must be an integer, found " + v.type().label()));
        if (!isValidAlignment(a)) {
            throw in.error(at, ALIGNMENT_KEY + " " + a + " is not a power of two (up to 2^30)");
        }
        return (int) a;
    }

    private List<RawTensor> readTensorInfos(long count) {
        List<RawTensor> tensors = new ArrayList<>((int) Math.min(count, 1 << 16));
        Map<String, Long> seen = new HashMap<>();
        for (long i = 0; i < count; i++) {
            RawTensor t = readTensorInfo();
            Long first = seen.putIfAbsent(t.name, t.at);
            if (first != null) throw in.error(t.at, "duplicate tensor name '" + t.name + "' (first at byte " + first + ")");
            tensors.add(t);
        }
        return tensors;
    }

    private RawTensor readTensorInfo() {
        long at = in.position();
        String name = in.string("tensor name");
        long dimsAt = in.position();
        long dims = in.u32("n_dims of tensor '" + name + "'");
        if (dims < 1 || dims > MAX_DIMS) {
            throw in.error(dimsAt, "tensor '" + name + "': n_dims " + dims + " outside 1.." + MAX_DIMS);
        }
        long[] shape = new long[(int) dims];
        long elements = 1;
        for (int d = 0; d < dims; d++) {
            long neAt = in.position();
            shape[d] = in.u64("ne[" + d + "] of tensor '" + name + "'");
            if (shape[d] <= 0) {
                throw in.error(neAt, "tensor '" + name + "': ne[" + d + "] = " + Long.toUnsignedString(shape[d]) + " is not a positive size");
            }
            try {
                elements = Math.multiplyExact(elements, shape[d]);
            } catch (ArithmeticException e) {
                throw in.error(neAt, "tensor '" + name + "': element count overflows 64 bits at ne[" + d + "]");
            }
        }
        long typeAt = in.position();
        long typeId = in.u32("type of tensor '" + name + "'");
        GgmlType type = GgmlType.byId(typeId)
                .orElseThrow(() -> in.error(typeAt, "tensor '" + name + "': unknown ggml type id " + typeId));
        if (shape[0] % type.blockSize != 0) {
            throw in.error(dimsAt, "tensor '" + name + "': row of ne[0] = " + shape[0] + " elements is not a multiple of the "
                    + type + " block size " + type.blockSize);
        }
        long bytes;
        try {
            bytes = type.bytesFor(elements);
        } catch (ArithmeticException e) {
            throw in.error(dimsAt, "tensor '" + name + "': " + elements + " " + type + " elements take more than 2^63 bytes");
        }
        long offsetAt = in.position();
        long offset = in.u64("data offset of tensor '" + name + "'");
        return new RawTensor(name, at, type, shape, offsetAt, offset, bytes);
    }

    /** Alignments are powers of two; 2^30 bounds the padding a corrupt value could claim. */
    static boolean isValidAlignment(long a) {
        return a > 0 && a <= (1 << 30) && Long.bitCount(a) == 1;
    }

    static long alignUp(long n, long alignment) {
        return (n + alignment - 1) / alignment * alignment;
    }

    /** A tensor info as read, with the offsets of its fields for messages. */
    record RawTensor(String name, long at, GgmlType type, long[] shape, long offsetAt, long offset, long bytes) {}

    /** Reads the metadata entries. */
    private record MetadataReader(HeaderCursor in, Path file) {
        GgufMetadata read(long count) {
            Map<String, GgufValue> values = new LinkedHashMap<>();
            Map<String, Long> offsets = new HashMap<>();
            for (long i = 0; i < count; i++) {
                long at = in.position();
                String key = in.string("metadata key");
                Long first = offsets.putIfAbsent(key, at);
                if (first != null) throw in.error(at, "duplicate metadata key '" + key + "' (first at byte " + first + ")");
                values.put(key, new ValueReader(in, key).value(valueType(), 0));
            }
            return new GgufMetadata(file, values, offsets);
        }

        private GgufValueType valueType() {
            return ValueReader.valueType(in, "metadata value type");
        }
    }

    /** Reads one metadata value of a known type. */
    private record ValueReader(HeaderCursor in, String key) {
        static GgufValueType valueType(HeaderCursor in, String what) {
            long at = in.position();
            long id = in.u32(what);
            return GgufValueType.byId(id).orElseThrow(() -> in.error(at, "unknown " + what + " " + id));
        }

        GgufValue value(GgufValueType type, int depth) {
            return switch (type) {
                case STRING -> new GgufValue.Str(in.string("value of '" + key + "'"));
                case ARRAY -> array(depth);
                default -> fixed(type);
            };
        }

        private GgufValue fixed(GgufValueType type) {
            long at = in.position();
            GgufValue v = FixedValues.decode(type, in.fixed(type.minBytes, "value of '" + key + "'"), in.offsetInBuf(type.minBytes));
            if (v == null) throw in.error(at, "'" + key + "': bool value is neither 0 nor 1");
            return v;
        }

        private GgufValue.Array array(int depth) {
            long at = in.position();
            if (depth >= MAX_ARRAY_DEPTH) throw in.error(at, "'" + key + "': arrays nested deeper than " + MAX_ARRAY_DEPTH);
            GgufValueType elementType = valueType(in, "array element type");
            long countAt = in.position();
            long n = in.u64("array length of '" + key + "'");
            if (n < 0 || n > in.remaining() / elementType.minBytes || n > Integer.MAX_VALUE - 8) {
                throw in.error(countAt, "'" + key + "': array of " + Long.toUnsignedString(n) + " " + elementType.label()
                        + " values cannot fit in the " + in.remaining() + " bytes left in the file");
            }
            if (elementType.isFixedSize()) return packed(elementType, (int) n, countAt + 8);
            List<GgufValue> items = new ArrayList<>((int) Math.min(n, 1 << 16));
            for (long i = 0; i < n; i++) items.add(value(elementType, depth + 1));
            return new GgufValue.Array(elementType, items);
        }

        private GgufValue.Array packed(GgufValueType type, int n, long at) {
            long bytes = (long) n * type.minBytes;
            if (bytes > Integer.MAX_VALUE - 8) throw in.error(at, "'" + key + "': array of " + bytes + " bytes is too large");
            byte[] raw = in.bytes((int) bytes, "array of '" + key + "'");
            if (type == GgufValueType.BOOL) {
                for (int i = 0; i < raw.length; i++) {
                    if (raw[i] != 0 && raw[i] != 1) throw in.error(at + i, "'" + key + "': bool value " + raw[i] + " is neither 0 nor 1");
                }
            }
            return new GgufValue.Array(type, new PackedValues(type, raw));
        }
    }

    /** Checks that tensor data lies in the file, aligned, without overlaps, and places it absolutely. */
    private record TensorLayout(HeaderCursor in, Path file, int alignment, long dataStart) {
        List<GgufTensorInfo> check(List<RawTensor> raw) {
            long dataBytes = in.size() - dataStart;
            for (RawTensor t : raw) {
                if (t.offset % alignment != 0) {
                    throw in.error(t.offsetAt, "tensor '" + t.name + "': data offset " + Long.toUnsignedString(t.offset)
                            + " is not a multiple of the alignment " + alignment);
                }
                if (t.offset < 0 || dataBytes < 0 || t.offset > dataBytes || t.bytes > dataBytes - t.offset) {
                    throw in.error(t.offsetAt, "tensor '" + t.name + "': data [" + Long.toUnsignedString(t.offset) + ", +" + t.bytes
                            + ") relative to the data section at byte " + dataStart + " lies outside the file of " + in.size() + " bytes");
                }
            }
            checkOverlaps(raw);
            List<GgufTensorInfo> out = new ArrayList<>(raw.size());
            for (RawTensor t : raw) {
                out.add(new GgufTensorInfo(t.name, t.type, t.shape, file, t.offset, dataStart + t.offset, t.bytes));
            }
            return out;
        }

        private void checkOverlaps(List<RawTensor> raw) {
            List<RawTensor> byOffset = new ArrayList<>(raw);
            byOffset.sort(Comparator.comparingLong(RawTensor::offset));
            for (int i = 1; i < byOffset.size(); i++) {
                RawTensor prev = byOffset.get(i - 1), cur = byOffset.get(i);
                if (cur.offset < prev.offset + prev.bytes) {
                    throw in.error(cur.offsetAt, "tensor '" + cur.name + "': data [" + cur.offset + ", " + (cur.offset + cur.bytes)
                            + ") overlaps tensor '" + prev.name + "' [" + prev.offset + ", " + (prev.offset + prev.bytes) + ")");
                }
            }
        }
    }
}
