package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Matrix products against the scalar reference row by row; 1 and 2 threads must agree bit for bit. */
class MatMulTest {

    private static float[] gaussian(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    /** matmul on a one- and a two-worker pool, which must agree bit for bit; the two-worker result. */
    private static float[] sameOnOneAndTwoThreads(WorkerPool one, WorkerPool two, WeightMatrix w, float[] x, int batch) {
        float[] out1 = new float[batch * w.rows()], out2 = new float[batch * w.rows()];
        new MatMul(one, RowDots.preferred()).matmul(w, x, batch, out1);
        new MatMul(two, RowDots.preferred()).matmul(w, x, batch, out2);
        assertArrayEquals(out1, out2);
        return out2;
    }

    /** The reference: each output is the exact integer-form dot product of its row and its token. */
    private static void assertMatchesReference(WeightMatrix w, float[] x, int token, float[] got, int gotBase) {
        assertMatchesReference(w, x, token, got, gotBase, false);
    }

    private static void assertMatchesReference(WeightMatrix w, float[] x, int token, float[] got, int gotBase, boolean tiles) {
        Activation a = new Activation(ActivationFormat.forWeight(w.type()), w.cols());
        float[] xt = java.util.Arrays.copyOfRange(x, token * w.cols(), (token + 1) * w.cols());
        ActivationQuantizer.quantize(xt, 0, a);
        for (int r = 0; r < w.rows(); r++) {
            long off = r * w.rowBytes();
            double want = ScalarDot.integer(w.type(), w.data(), off, a);
            double tol = tiles ? DotMagnitude.denseTolerance(w.type(), w.data(), off, a) : DotMagnitude.tolerance(w.type(), w.data(), off, a);
            assertEquals(want, got[gotBase + r], tol, w.type() + " token " + token + " row " + r);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "BF16", "Q8_0", "Q4_0", "Q5_1", "Q4_K", "Q6_K", "IQ4_NL", "IQ4_XS"})
    void matmulMatchesReferenceAndIsTheSameOnOneAndTwoThreads(GgmlType type) {
        int cols = type.blockSize == 256 ? 512 : 96, rows = 37, batch = 11;
        Random r = new Random(type.ordinal());
        try (Arena arena = Arena.ofShared(); WorkerPool one = new WorkerPool(1, "one"); WorkerPool two = new WorkerPool(2, "two")) {
            MemorySegment data = arena.allocate(type.bytesFor(cols) * rows);
            RandomWeights.fill(type, data, 5);
            WeightMatrix w = new WeightMatrix(data, type, cols, rows);
            float[] x = gaussian(r, batch * cols);
            float[] out2 = sameOnOneAndTwoThreads(one, two, w, x, batch);
            for (int t = 0; t < batch; t++) assertMatchesReference(w, x, t, out2, t * rows);

            // matvec takes the one-token kernel, matmul the four-token one: each against the reference.
            float[] x3 = java.util.Arrays.copyOfRange(x, 3 * cols, 4 * cols);
            float[] single = new float[rows];
            new MatMul(two, RowDots.preferred()).matvec(w, x3, single);
            assertMatchesReference(w, x3, 0, single, 0);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_NL", "IQ4_XS"})
    void largeBatchesTakeTheTilesAndMatchTheReference(GgmlType type) {
        // 23 tokens: a full panel and a part one (AVX2); 37 rows: chunks that end in a part tile
        assertTilesMatchTheReference(type, type.blockSize == 256 ? 512 : 96, 37, MatMul.TILE_MIN_TOKENS + 7, 17 + type.ordinal());
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_K"})
    void tilesSpanSeveralPanelsAndColumnBlocks(GgmlType type) {
        // two full panels and a last one of at most one vector; 1280 columns: five column blocks of 256
        assertTilesMatchTheReference(type, 1280, 41, 2 * DenseTiles.PANEL + 3, 29 + type.ordinal());
    }

    /** A random {@code rows} × {@code cols} matrix times {@code batch} tokens: the same on 1 and 2 threads, each output within the tiles' bound. */
    private static void assertTilesMatchTheReference(GgmlType type, int cols, int rows, int batch, int seed) {
        Random r = new Random(seed);
        try (Arena arena = Arena.ofShared(); WorkerPool one = new WorkerPool(1, "one"); WorkerPool two = new WorkerPool(2, "two")) {
            MemorySegment data = arena.allocate(type.bytesFor(cols) * rows);
            RandomWeights.fill(type, data, seed);
            WeightMatrix w = new WeightMatrix(data, type, cols, rows);
            float[] x = gaussian(r, batch * cols);
            float[] out2 = sameOnOneAndTwoThreads(one, two, w, x, batch);
            for (int t = 0; t < batch; t++) assertMatchesReference(w, x, t, out2, t * rows, true);
        }
    }

    @Test
    void anExpertWithManyTokensTakesTheTilesAndTheOthersTheDots() {
        GgmlType type = GgmlType.Q4_K;
        int cols = 256, rows = 9, experts = 3, tokens = MatMul.TILE_MIN_TOKENS + 2;
        // every token to expert 2 (tiles), tokens 0 and 1 also to expert 0 (dots), the first
        // TILE_MIN_EXPERT_TOKENS also to expert 1 (tiles: few for a matrix, enough for an expert of a batch)
        int few = MatMul.TILE_MIN_EXPERT_TOKENS;
        int[] pairToken = new int[tokens + 2 + few], pairExpert = new int[tokens + 2 + few];
        for (int t = 0; t < tokens; t++) pairToken[t] = t;
        java.util.Arrays.fill(pairExpert, 0, tokens, 2);
        pairToken[tokens] = 0;
        pairToken[tokens + 1] = 1;
        for (int i = 0; i < few; i++) {
            pairToken[tokens + 2 + i] = i;
            pairExpert[tokens + 2 + i] = 1;
        }
        Random r = new Random(4);
        try (Arena arena = Arena.ofShared(); WorkerPool two = new WorkerPool(2, "two")) {
            MemorySegment data = arena.allocate(type.bytesFor(cols) * rows * experts);
            RandomWeights.fill(type, data, 10);
            ExpertWeights w = new ExpertWeights(data, type, cols, rows, experts);
            float[] x = gaussian(r, tokens * cols);
            float[] out = new float[pairToken.length * rows];
            new MatMul(two, RowDots.preferred()).experts(w, x, tokens, pairToken, pairExpert, out);
            for (int i = 0; i < pairToken.length; i++) {
                assertMatchesReference(w.expert(pairExpert[i]), x, pairToken[i], out, i * rows, pairExpert[i] != 0);
            }
        }
    }

    @Test
    void expertsWhosePanelsExceedTheBudgetRunInSlicesWithTheSameResult() {
        GgmlType type = GgmlType.Q4_K;
        int cols = 256, rows = 13, experts = 4, tokens = 24;
        // each token to two experts: every expert gets 12 tokens (tiles)
        int[] pairToken = new int[2 * tokens], pairExpert = new int[2 * tokens];
        for (int t = 0; t < tokens; t++) {
            pairToken[2 * t] = pairToken[2 * t + 1] = t;
            pairExpert[2 * t] = t % experts;
            pairExpert[2 * t + 1] = (t + 1) % experts;
        }
        Random r = new Random(8);
        try (Arena arena = Arena.ofShared(); WorkerPool two = new WorkerPool(2, "two")) {
            MemorySegment data = arena.allocate(type.bytesFor(cols) * rows * experts);
            RandomWeights.fill(type, data, 14);
            ExpertWeights w = new ExpertWeights(data, type, cols, rows, experts);
            float[] x = gaussian(r, tokens * cols);
            float[] whole = new float[pairToken.length * rows], sliced = new float[pairToken.length * rows];
            new MatMul(two, RowDots.preferred()).experts(w, x, tokens, pairToken, pairExpert, whole);
            // a budget of one float: every expert is a slice of its own
            new MatMul(two, RowDots.preferred(), WorkerReplicas.FIRST, 1).experts(w, x, tokens, pairToken, pairExpert, sliced);
            assertArrayEquals(whole, sliced);
            for (int i = 0; i < pairToken.length; i++) {
                assertMatchesReference(w.expert(pairExpert[i]), x, pairToken[i], sliced, i * rows, true);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, MatMul.TILE_MIN_TOKENS + 3, 67})   // dots; one part panel; several panels at any width
    void severalMatricesOfTheSameActivationsEachMatchTheReference(int batch) {
        // q-, k- and v-like rows of two types of one activation format, and a Q8_0 one of another format
        int cols = 512;
        GgmlType[] types = {GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.Q4_K, GgmlType.Q8_0};
        int[] rows = {37, 9, 11, 13};
        Random r = new Random(batch);
        try (Arena arena = Arena.ofShared(); WorkerPool one = new WorkerPool(1, "one"); WorkerPool two = new WorkerPool(2, "two")) {
            WeightMatrix[] ws = new WeightMatrix[types.length];
            for (int i = 0; i < ws.length; i++) {
                MemorySegment data = arena.allocate(types[i].bytesFor(cols) * rows[i]);
                RandomWeights.fill(types[i], data, 40 + i);
                ws[i] = new WeightMatrix(data, types[i], cols, rows[i]);
            }
            float[] x = gaussian(r, batch * cols);
            float[][] outs1 = new float[ws.length][], outs2 = new float[ws.length][];
            for (int i = 0; i < ws.length; i++) {
                outs1[i] = new float[batch * rows[i]];
                outs2[i] = new float[batch * rows[i]];
            }
            new MatMul(one, RowDots.preferred()).matmul(ws, x, batch, outs1);
            new MatMul(two, RowDots.preferred()).matmul(ws, x, batch, outs2);
            for (int i = 0; i < ws.length; i++) {
                assertArrayEquals(outs1[i], outs2[i], "matrix " + i);
                for (int t = 0; t < batch; t++) assertMatchesReference(ws[i], x, t, outs2[i], t * rows[i], batch >= MatMul.TILE_MIN_TOKENS);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 16L << 20})
    void twoExpertStacksOverTheSamePairsEachMatchTheReference(long panelBudget) {
        // the gate and up of a MoE layer: expert 0 gets every token (tiles), 1 a few (tiles), 2 two tokens (dots),
        // expert 3 none; a budget of one float makes every group a slice of its own
        GgmlType type = GgmlType.Q4_K;
        int cols = 256, rows = 21, experts = 4, tokens = MatMul.TILE_MIN_TOKENS + 5, few = MatMul.TILE_MIN_EXPERT_TOKENS;
        int pairs = tokens + few + 2;
        int[] pairToken = new int[pairs], pairExpert = new int[pairs];
        for (int t = 0; t < tokens; t++) pairToken[t] = t;
        for (int i = 0; i < few; i++) {
            pairToken[tokens + i] = 2 * i + 1;
            pairExpert[tokens + i] = 1;
        }
        pairToken[pairs - 2] = 3;
        pairToken[pairs - 1] = 4;
        pairExpert[pairs - 2] = pairExpert[pairs - 1] = 2;
        Random r = new Random(12);
        try (Arena arena = Arena.ofShared(); WorkerPool two = new WorkerPool(2, "two")) {
            ExpertWeights[] ws = new ExpertWeights[2];
            for (int i = 0; i < ws.length; i++) {
                MemorySegment data = arena.allocate(type.bytesFor(cols) * rows * experts);
                RandomWeights.fill(type, data, 50 + i);
                ws[i] = new ExpertWeights(data, type, cols, rows, experts);
            }
            float[] x = gaussian(r, tokens * cols);
            float[][] outs = {new float[pairs * rows], new float[pairs * rows]};
            new MatMul(two, RowDots.preferred(), WorkerReplicas.FIRST, panelBudget).experts(ws, x, tokens, pairToken, pairExpert, outs);
            for (int s = 0; s < ws.length; s++) {
                for (int i = 0; i < pairs; i++) {
                    assertMatchesReference(ws[s].expert(pairExpert[i]), x, pairToken[i], outs[s], i * rows, pairExpert[i] != 2);
                }
            }
        }
    }

    @Test
    void expertsComputeOnlyTheChosenPairs() {
        GgmlType type = GgmlType.Q4_K;
        int cols = 256, rows = 19, experts = 5, tokens = 4;
        int[] pairToken = {0, 0, 1, 1, 2, 2, 3, 3};
        int[] pairExpert = {4, 1, 1, 3, 4, 1, 0, 3};
        Random r = new Random(3);
        try (Arena arena = Arena.ofShared(); WorkerPool one = new WorkerPool(1, "one"); WorkerPool two = new WorkerPool(2, "two")) {
            MemorySegment data = arena.allocate(type.bytesFor(cols) * rows * experts);
            RandomWeights.fill(type, data, 9);
            ExpertWeights w = new ExpertWeights(data, type, cols, rows, experts);
            float[] x = gaussian(r, tokens * cols);
            float[] out1 = new float[pairToken.length * rows], out2 = new float[pairToken.length * rows];
            new MatMul(one, RowDots.preferred()).experts(w, x, tokens, pairToken, pairExpert, out1);
            new MatMul(two, RowDots.preferred()).experts(w, x, tokens, pairToken, pairExpert, out2);
            assertArrayEquals(out1, out2);
            for (int i = 0; i < pairToken.length; i++) {
                assertMatchesReference(w.expert(pairExpert[i]), x, pairToken[i], out2, i * rows);
            }
        }
    }

    @Test
    void eachWorkerReadsTheReplicaItsMappingNamesAskedOncePerJob() {
        GgmlType type = GgmlType.Q8_0;
        int cols = 64, rows = 21, experts = 3, tokens = 2;
        int[] pairToken = {0, 0, 1, 1};
        int[] pairExpert = {2, 0, 0, 1};
        long bytes = type.bytesFor(cols) * rows * experts;
        try (Arena arena = Arena.ofShared(); WorkerPool two = new WorkerPool(2, "two")) {
            // Two replicas with different contents, so the output tells which one was read.
            MemorySegment r0 = arena.allocate(bytes), r1 = arena.allocate(bytes);
            RandomWeights.fill(type, r0, 4);
            RandomWeights.fill(type, r1, 5);
            ExpertWeights w = new ExpertWeights(java.util.List.of(r0, r1), type, cols, rows, experts);
            float[] x = gaussian(new Random(8), tokens * cols);
            java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
            for (int replica : new int[] {0, 1}) {
                float[] out = new float[pairToken.length * rows];
                asked.set(0);
                new MatMul(two, RowDots.preferred(), worker -> {
                    asked.incrementAndGet();
                    return replica;
                }).experts(w, x, tokens, pairToken, pairExpert, out);
                assertEquals(2, asked.get(), "once per worker for the one job, not per chunk");
                for (int i = 0; i < pairToken.length; i++) {
                    assertMatchesReference(w.expert(pairExpert[i], replica), x, pairToken[i], out, i * rows);
                }
            }
            // A replica the tensor lacks (it lives once) reads replica 0, bit for bit.
            ExpertWeights once = new ExpertWeights(r0, type, cols, rows, experts);
            float[] want = new float[pairToken.length * rows], got = new float[pairToken.length * rows];
            new MatMul(two, RowDots.preferred()).experts(once, x, tokens, pairToken, pairExpert, want);
            new MatMul(two, RowDots.preferred(), worker -> 1).experts(once, x, tokens, pairToken, pairExpert, got);
            assertArrayEquals(want, got);
        }
    }

    @Test
    void aMirroredMatrixIsReadFromEachWorkersReplicaByDotsAndTiles() {
        GgmlType type = GgmlType.Q4_K;
        int cols = 256, rows = 13;
        long bytes = type.bytesFor(cols) * rows;
        try (Arena arena = Arena.ofShared(); WorkerPool two = new WorkerPool(2, "two")) {
            MemorySegment r0 = arena.allocate(bytes), r1 = arena.allocate(bytes);
            RandomWeights.fill(type, r0, 21);
            RandomWeights.fill(type, r1, 22);
            WeightMatrix w = new WeightMatrix(java.util.List.of(r0, r1), type, cols, rows);
            for (int batch : new int[] {3, MatMul.TILE_MIN_TOKENS + 1}) {
                float[] x = gaussian(new Random(batch), batch * cols);
                for (int replica : new int[] {0, 1}) {
                    float[] out = new float[batch * rows];
                    new MatMul(two, RowDots.preferred(), worker -> replica).matmul(w, x, batch, out);
                    for (int t = 0; t < batch; t++) {
                        assertMatchesReference(w.replica(replica), x, t, out, t * rows, batch >= MatMul.TILE_MIN_TOKENS);
                    }
                }
            }
        }
    }

    @Test
    void badShapesAreRejectedWithTheirNumbers() {
        try (WorkerPool pool = new WorkerPool(1, "one")) {
            MatMul mm = new MatMul(pool, RowDots.preferred());
            WeightMatrix w = new WeightMatrix(MemorySegment.ofArray(new byte[18 * 2 * 3]), GgmlType.Q4_0, 64, 3);
            var e = assertThrows(IllegalArgumentException.class, () -> mm.matvec(w, new float[32], new float[3]));
            assertEquals("activations array has 32 floats, needs 64", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new WeightMatrix(MemorySegment.ofArray(new byte[10]), GgmlType.Q4_0, 64, 3));
            ExpertWeights ew = new ExpertWeights(MemorySegment.ofArray(new byte[18 * 2 * 3 * 2]), GgmlType.Q4_0, 64, 3, 2);
            assertThrows(IndexOutOfBoundsException.class,
                    () -> mm.experts(ew, new float[64], 1, new int[] {0}, new int[] {2}, new float[3]));
            e = assertThrows(IllegalArgumentException.class, () -> mm.matmul(new WeightMatrix[] {w, w}, new float[64], 1, new float[][] {new float[3]}));
            assertEquals("2 matrices but 1 outputs", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> mm.matmul(new WeightMatrix[] {w, w}, new float[64], 1, new float[][] {new float[3], new float[2]}));
            assertEquals("output array has 2 floats, needs 3", e.getMessage());
            mm.matmul(new WeightMatrix[0], new float[64], 1, new float[0][]);   // no matrices: nothing to do
        }
    }
}
