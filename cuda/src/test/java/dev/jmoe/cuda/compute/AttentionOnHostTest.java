package dev.jmoe.cuda.compute;

import static org.junit.jupiter.api.Assertions.fail;

import dev.jmoe.host.engine.CacheType;
import dev.jmoe.host.engine.KvRows;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code attention_f32} computed without a GPU: nvcc builds {@code attention_host.cu}, which runs the kernel's own
 * per-lane steps (scores, online softmax, value accumulation, cache decoding) for all 32 lanes of each (token,
 * head) and sums the scores as the warp's shuffles do. Over cache rows the host cache itself wrote (f32, f16, q8_0),
 * against a double-precision causal softmax attention over the rows as the host reads them: grouped kv heads,
 * key and value lengths off the 32-lane stride, each token seeing its own prefix of positions, and latent
 * attention's values read from the key rows. Skipped without nvcc.
 */
class AttentionOnHostTest {
    @TempDir
    static Path dir;
    private static HostKernelProgram attention;

    @BeforeAll
    static void build() throws IOException, InterruptedException {
        attention = HostKernelProgram.build("attention_host.cu", dir);
    }

    @ParameterizedTest
    @CsvSource({
            "F16, 4, 2, 80, 48, false",
            "Q8_0, 4, 2, 96, 64, false",   // q8_0 rows need heads of whole 32-element blocks
            "F32, 6, 3, 40, 72, false",
            "F16, 8, 1, 96, 64, true",    // latent: one kv head for all heads, values = the first 64 of each key row
            "Q8_0, 8, 1, 96, 64, true"})
    void causalSoftmaxAttentionOverTheHostCachesRows(CacheType type, int heads, int kvHeads, int keyLength, int valueLength,
                                                     boolean valuesInKeys) throws IOException, InterruptedException {
        int rows = 10, tokens = 3;
        int[] positions = {0, 5, 9};
        float scale = 0.125f;
        SplittableRandom random = new SplittableRandom(heads * 31L + keyLength);
        try (Arena arena = Arena.ofConfined()) {
            int keyWidth = kvHeads * keyLength, valueWidth = valuesInKeys ? keyWidth : kvHeads * valueLength;
            KvRows keys = type.rows(keyWidth, keyLength, arena.allocate(rows * type.rowBytes(keyWidth), 8));
            KvRows values = valuesInKeys ? keys : type.rows(valueWidth, valueLength, arena.allocate(rows * type.rowBytes(valueWidth), 8));
            for (int p = 0; p < rows; p++) {
                keys.write(p, randoms(random, keyWidth, 2), 0);
                if (!valuesInKeys) values.write(p, randoms(random, valueWidth, 2), 0);
            }
            float[] q = randoms(random, tokens * heads * keyLength, 1);
            Path out = attention.file("out.bin");
            Path keyFile = attention.write("keys.bin", keys.storage().toArray(ValueLayout.JAVA_BYTE));
            Path valueFile = valuesInKeys ? keyFile : attention.write("values.bin", values.storage().toArray(ValueLayout.JAVA_BYTE));
            attention.run(keys.encoding().id, keys.rowBytes(), values.encoding().id, values.rowBytes(), tokens, heads, kvHeads,
                    keyLength, valueLength, scale, attention.floats("q.bin", q), keyFile, valueFile, attention.ints("positions.bin", positions), out);
            float[] got = HostKernelProgram.readFloats(out, tokens * heads * valueLength);

            // The reference: each head's kv head g = h / (heads / kvHeads); key g at g * keyLength of a row, value g
            // at g * valueLength (of the key rows for latent attention).
            int group = heads / kvHeads;
            for (int t = 0; t < tokens; t++) {
                for (int h = 0; h < heads; h++) {
                    int g = h / group;
                    int seen = positions[t] + 1;
                    double[] score = new double[seen];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int p = 0; p < seen; p++) {
                        float[] k = new float[keyLength];
                        keys.read(p, g * keyLength, keyLength, k, 0);
                        double s = 0;
                        for (int i = 0; i < keyLength; i++) s += (double) q[(t * heads + h) * keyLength + i] * k[i];
                        score[p] = s * scale;
                        max = Math.max(max, score[p]);
                    }
                    double sum = 0;
                    for (int p = 0; p < seen; p++) sum += score[p] = Math.exp(score[p] - max);
                    for (int d = 0; d < valueLength; d++) {
                        double want = 0, magnitude = 0;
                        for (int p = 0; p < seen; p++) {
                            float[] v = new float[1];
                            values.read(p, g * valueLength + d, 1, v, 0);
                            want += score[p] / sum * v[0];
                            magnitude += Math.abs(v[0]);
                        }
                        float g0 = got[(t * heads + h) * valueLength + d];
                        if (!(Math.abs(g0 - want) <= 1e-5 * magnitude + 1e-6)) {
                            fail(type + " token " + t + " head " + h + " element " + d + ": " + g0 + ", want " + want);
                        }
                    }
                }
            }
        }
    }

    private static float[] randoms(SplittableRandom random, int n, double range) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) random.nextDouble(-range, range);
        return v;
    }
}
