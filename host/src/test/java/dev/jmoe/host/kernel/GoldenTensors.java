package dev.jmoe.host.kernel;

import dev.jmoe.host.TestData;
import dev.jmoe.host.gguf.GgmlType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: a model file mapped whole, with its tensors located through the golden
 * {@code NAME.tensors.tsv} (name, type, shape in ggml order, absolute offset, bytes), so the kernel tests
 * need no GGUF parser.
 */
final class GoldenTensors implements AutoCloseable {
    /** One tensor row of the table. */
    record Entry(String name, GgmlType type, long[] shape, long offset, long bytes) {
        long elements() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    private final Arena arena = Arena.ofShared();
    final MemorySegment file;
    final Map<String, Entry> tensors = new LinkedHashMap<>();

    GoldenTensors(String model) {
        Path gguf = TestData.model(model);
        Path table = TestData.golden(model + ".tensors.tsv");
        try (FileChannel ch = FileChannel.open(gguf, StandardOpenOption.READ)) {
            file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            List<String> lines = Files.readAllLines(table);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split("\t");
                String[] dims = f[2].split(",");
                long[] shape = new long[dims.length];
                for (int i = 0; i < dims.length; i++) shape[i] = Long.parseLong(dims[i]);
                GgmlType type = GgmlType.valueOf(f[1]);
                tensors.put(f[0], new Entry(f[0], type, shape, Long.parseLong(f[3]), Long.parseLong(f[4])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole tensor dequantized by the scalar reference, rows of shape[0] elements. */
    float[] dequantize(Entry e) {
        int cols = (int) e.shape[0];
        int rows = (int) (e.elements() / cols);
        float[] out = new float[(int) e.elements()];
        long rowBytes = e.type.bytesFor(cols);
        for (int r = 0; r < rows; r++) {
            ScalarDequant.row(e.type, file, e.offset + r * rowBytes, cols, out, r * cols);
        }
        return out;
    }

    @Override
    public void close() {
        arena.close();
    }
}
