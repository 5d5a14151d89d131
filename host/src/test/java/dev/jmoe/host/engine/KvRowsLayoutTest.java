package dev.jmoe.host.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jmoe.host.kernel.ScalarDequant;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a device mirror copies: a cache row's bytes at {@code pos · rowBytes()} of {@code storage()} are a GGML row of
 * {@code encoding()}, so the GGML reference decoder reads from them exactly what the cache itself reads, a row at a time
 * or a run of whole rows.
 */
class KvRowsLayoutTest {

    @ParameterizedTest
    @EnumSource(CacheType.class)
    void rowsAreGgmlRowsOfTheirEncodingAtTheirStride(CacheType type) {
        int width = 96, rows = 5;
        try (Arena arena = Arena.ofConfined()) {
            KvRows kv = type.rows(width, 32, arena.allocate(rows * type.rowBytes(width), 8));
            assertEquals(type.rowBytes(width), kv.rowBytes());
            SplittableRandom random = new SplittableRandom(type.ordinal());
            for (int p = 0; p < rows; p++) {
                float[] row = new float[width];
                for (int i = 0; i < width; i++) row[i] = (float) random.nextGaussian();
                kv.write(p, row, 0);
            }
            for (int p = 0; p < rows; p++) {
                float[] read = new float[width];
                kv.read(p, 0, width, read, 0);
                assertArrayEquals(read, ScalarDequant.row(kv.encoding(), kv.storage(), p * kv.rowBytes(), width), type + " row " + p);
            }
            float[] block = new float[7 + 3 * width];   // rows 1..3 whole, as attention reads them, at an offset
            kv.readRows(1, 3, block, 7);
            for (int r = 0; r < 3; r++) {
                float[] want = ScalarDequant.row(kv.encoding(), kv.storage(), (1 + r) * kv.rowBytes(), width);
                assertArrayEquals(want, java.util.Arrays.copyOfRange(block, 7 + r * width, 7 + (r + 1) * width), type + " rows read together, row " + (1 + r));
            }
        }
    }
}
