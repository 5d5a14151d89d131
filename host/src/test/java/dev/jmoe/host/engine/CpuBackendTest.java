package dev.jmoe.host.engine;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.kernel.RowDots;
import dev.jmoe.host.kernel.WeightMatrix;
import dev.jmoe.host.kernel.WorkerPool;
import dev.jmoe.host.model.MoeWeights;
import dev.jmoe.host.model.RouterSpec;
import dev.jmoe.host.model.RopeScaling;
import dev.jmoe.host.model.RopeStyle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each CPU backend op against a direct double-precision evaluation of its formula. */
class CpuBackendTest {
    private static final WorkerPool POOL = new WorkerPool(2, "test");
    private static final CpuBackend CPU = new CpuBackend(POOL, RowDots.preferred());
    private final Random random = new Random(7);

    @AfterAll
    static void close() {
        POOL.close();
    }

    private float[] gaussian(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        return x;
    }

    @Test
    void rmsNormScalesEachRowByItsRootMeanSquare() {
        float[] x = gaussian(2 * 8), w = gaussian(8), out = new float[16];
        CPU.rmsNorm(x, 2, 8, w, 1e-6f, out);
        for (int r = 0; r < 2; r++) {
            double ss = 0;
            for (int i = 0; i < 8; i++) ss += x[r * 8 + i] * x[r * 8 + i];
            for (int i = 0; i < 8; i++) assertEquals(x[r * 8 + i] / Math.sqrt(ss / 8 + 1e-6) * w[i], out[r * 8 + i], 1e-5);
        }
    }

    @Test
    void ropeRotatesHalvesOrAdjacentPairsByPositionTimesFrequency() {
        int heads = 2, size = 8, dims = 8;
        for (RopeStyle style : RopeStyle.values()) {
            float[] x = gaussian(2 * heads * size);
            float[] y = x.clone();
            int[] positions = {3, 41};
            CPU.rope(y, 2, heads, size, positions, new RopeSpec(style, dims, 10000f));
            for (int t = 0; t < 2; t++) {
                for (int h = 0; h < heads; h++) {
                    int base = (t * heads + h) * size;
                    for (int i = 0; i < dims / 2; i++) {
                        double theta = positions[t] * Math.pow(10000, -2.0 * i / dims);
                        int a = style == RopeStyle.HALVES ? base + i : base + 2 * i;
                        int b = style == RopeStyle.HALVES ? base + i + dims / 2 : a + 1;
                        assertEquals(x[a] * Math.cos(theta) - x[b] * Math.sin(theta), y[a], 1e-4, style + " " + a);
                        assertEquals(x[a] * Math.sin(theta) + x[b] * Math.cos(theta), y[b], 1e-4, style + " " + b);
                    }
                }
            }
        }
    }

    @Test
    void attentionIsCausalSoftmaxOverTheCacheWithSharedKvHeads() {
        int heads = 4, kvHeads = 2, size = 40, tokens = 3; // 40: whole vectors and a tail
        AttentionShape shape = new AttentionShape(heads, kvHeads, size, size, 0.125f);
        KvCache.Layer kv = new KvCache.Layer(rows(CacheType.F32, 8, kvHeads * size, size), rows(CacheType.F32, 8, kvHeads * size, size));
        float[] k = gaussian(tokens * kvHeads * size), v = gaussian(tokens * kvHeads * size), q = gaussian(tokens * heads * size);
        int[] positions = {0, 1, 2};
        CPU.storeKv(kv, k, v, tokens, positions);
        float[] out = new float[tokens * heads * size];
        CPU.attention(q, tokens, positions, kv, shape, out);
        for (int t = 0; t < tokens; t++) {
            for (int h = 0; h < heads; h++) {
                int g = h / 2;
                double[] s = new double[t + 1];
                double sum = 0;
                for (int p = 0; p <= t; p++) {
                    for (int i = 0; i < size; i++) s[p] += q[(t * heads + h) * size + i] * k[(p * kvHeads + g) * size + i];
                    s[p] = Math.exp(s[p] * 0.125);
                    sum += s[p];
                }
                for (int i = 0; i < size; i++) {
                    double want = 0;
                    for (int p = 0; p <= t; p++) want += s[p] / sum * v[(p * kvHeads + g) * size + i];
                    assertEquals(want, out[(t * heads + h) * size + i], 1e-5, "token " + t + " head " + h);
                }
            }
        }
    }

    @Test
    void attentionOfABatchEqualsTheReferenceAndEachTokenAloneBitForBit() {
        // 37 tokens: three position blocks and a part one, token blocks of queries that are no whole number of tiles
        int heads = 8, kvHeads = 2, size = 40, tokens = 37, group = heads / kvHeads;
        AttentionShape shape = new AttentionShape(heads, kvHeads, size, size, 0.125f);
        float[] k = gaussian(tokens * kvHeads * size), v = gaussian(tokens * kvHeads * size), q = gaussian(tokens * heads * size);
        int[] positions = new int[tokens];
        for (int t = 0; t < tokens; t++) positions[t] = t;
        KvCache.Layer kv = new KvCache.Layer(rows(CacheType.F32, tokens, kvHeads * size, size), rows(CacheType.F32, tokens, kvHeads * size, size));
        CPU.storeKv(kv, k, v, tokens, positions);
        float[] batch = new float[tokens * heads * size];
        CPU.attention(q, tokens, positions, kv, shape, batch);
        for (int t = 0; t < tokens; t++) {
            float[] alone = new float[heads * size];
            CPU.attention(java.util.Arrays.copyOfRange(q, t * heads * size, (t + 1) * heads * size), 1, new int[] {t}, kv, shape, alone);
            assertArrayEquals(alone, java.util.Arrays.copyOfRange(batch, t * heads * size, (t + 1) * heads * size), "token " + t);
            for (int h = 0; h < heads; h++) {
                int g = h / group;
                double[] e = new double[t + 1];
                double sum = 0;
                for (int p = 0; p <= t; p++) {
                    double dot = 0;
                    for (int i = 0; i < size; i++) dot += q[(t * heads + h) * size + i] * k[(p * kvHeads + g) * size + i];
                    e[p] = Math.exp(dot * 0.125);
                    sum += e[p];
                }
                for (int i = 0; i < size; i++) {
                    double want = 0;
                    for (int p = 0; p <= t; p++) want += e[p] / sum * v[(p * kvHeads + g) * size + i];
                    assertEquals(want, batch[(t * heads + h) * size + i], 1e-5, "token " + t + " head " + h);
                }
            }
        }
    }

    @Test
    void attentionOverSeveralChunksIsTheSameWhateverTheWorkersAndTheBatch() {
        // 600 cached positions: three chunks of 256, tokens at both sides of a chunk's end, in an f16 cache
        int heads = 8, kvHeads = 2, size = 64, cached = 600, group = heads / kvHeads;
        AttentionShape shape = new AttentionShape(heads, kvHeads, size, size, 0.125f);
        float[] k = gaussian(cached * kvHeads * size), v = gaussian(cached * kvHeads * size);
        int[] all = new int[cached];
        for (int p = 0; p < cached; p++) all[p] = p;
        KvCache.Layer kv = new KvCache.Layer(rows(CacheType.F16, cached, kvHeads * size, size), rows(CacheType.F16, cached, kvHeads * size, size));
        CPU.storeKv(kv, k, v, cached, all);
        int[] positions = {254, 255, 256, 257, 300, 511, 512, 513, 590, 599};   // two token blocks
        int tokens = positions.length;
        float[] q = gaussian(tokens * heads * size);
        float[] batch = new float[tokens * heads * size], oneWorker = new float[tokens * heads * size];
        CPU.attention(q, tokens, positions, kv, shape, batch);   // 2 workers, 2 token blocks: each block's chunks in turn
        try (WorkerPool one = new WorkerPool(1, "one"); WorkerPool five = new WorkerPool(5, "five")) {
            new CpuBackend(one, RowDots.preferred()).attention(q, tokens, positions, kv, shape, oneWorker);
            assertArrayEquals(batch, oneWorker, "one worker");
            float[] split = new float[tokens * heads * size];
            new CpuBackend(five, RowDots.preferred()).attention(q, tokens, positions, kv, shape, split);   // chunks kept, merged after
            assertArrayEquals(batch, split, "five workers");
            for (int t = 0; t < tokens; t++) {
                float[] alone = new float[heads * size];   // one block on five workers: chunks and heads parted
                new CpuBackend(five, RowDots.preferred()).attention(java.util.Arrays.copyOfRange(q, t * heads * size, (t + 1) * heads * size), 1, new int[] {positions[t]}, kv, shape, alone);
                assertArrayEquals(java.util.Arrays.copyOfRange(batch, t * heads * size, (t + 1) * heads * size), alone, "token " + t + " alone");
            }
        }
        for (int t = 0; t < tokens; t++) {
            for (int h = 0; h < heads; h++) {
                int g = h / group;
                double[] e = new double[positions[t] + 1];
                double sum = 0;
                for (int p = 0; p <= positions[t]; p++) {
                    double dot = 0;
                    for (int i = 0; i < size; i++) dot += q[(t * heads + h) * size + i] * half(k[(p * kvHeads + g) * size + i]);
                    e[p] = Math.exp(dot * 0.125);
                    sum += e[p];
                }
                for (int i = 0; i < size; i++) {
                    double want = 0;
                    for (int p = 0; p <= positions[t]; p++) want += e[p] / sum * half(v[(p * kvHeads + g) * size + i]);
                    assertEquals(want, batch[(t * heads + h) * size + i], 1e-5, "token " + t + " head " + h);
                }
            }
        }
    }

    private static double half(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }

    /**
     * YaRN as the testdata README writes it, in doubles: per pair i of d dims, theta_extrap = pos·base^(-2i/d),
     * theta_interp = theta_extrap / f, mixed by a ramp between the correction dimensions of beta 32 and 1. The
     * rotated part starts at {@code first} (DeepSeek's rope part sits after the nope part of each head).
     */
    @Test
    void yarnRopeMixesInterpolatedAndExtrapolatedAnglesByTheRamp() {
        int dims = 64, first = 8, size = 72;
        double base = 10000, f = 40, n0 = 4096;
        int[] positions = {0, 7, 100};
        float[] x = gaussian(positions.length * size), y = x.clone();
        CPU.rope(y, positions.length, 1, size, positions,
                new RopeSpec(RopeStyle.ADJACENT_PAIRS, dims, (float) base, first, new RopeScaling((float) f, (int) n0, 0.1f)));
        double low = Math.max(0, Math.floor(dims * Math.log(n0 / (32 * 2 * Math.PI)) / (2 * Math.log(base))));
        double high = Math.min(dims - 1, Math.ceil(dims * Math.log(n0 / (2 * Math.PI)) / (2 * Math.log(base))));
        assertEquals(10, low);
        assertEquals(23, high);
        for (int t = 0; t < positions.length; t++) {
            for (int i = 0; i < first; i++) assertEquals(x[t * size + i], y[t * size + i], "head part before the rope dims");
            for (int i = 0; i < dims / 2; i++) {
                double extrap = positions[t] * Math.pow(base, -2.0 * i / dims);
                double ramp = 1 - Math.min(1, Math.max(0, (i - low) / Math.max(0.001, high - low)));
                double theta = extrap / f * (1 - ramp) + extrap * ramp;
                int a = t * size + first + 2 * i;
                double wantA = x[a] * Math.cos(theta) - x[a + 1] * Math.sin(theta);
                double wantB = x[a] * Math.sin(theta) + x[a + 1] * Math.cos(theta);
                assertEquals(wantA, y[a], 1e-3, "pos " + positions[t] + " pair " + i);
                assertEquals(wantB, y[a + 1], 1e-3, "pos " + positions[t] + " pair " + i);
            }
        }
        assertEquals(1 + 0.1 * Math.log(40), new RopeScaling(40, 4096, 0.1f).mscale(), 1e-6);
    }

    @Test
    void routingTakesTheTopExpertsAndRenormalisesTheirProbabilities() {
        Routing r = CPU.route(new float[] {1, 3, 2, 0, /* token 1 */ 5, 0, 0, 6}, 2, 4, RouterSpec.softmaxTopK(2), null);
        assertArrayEquals(new int[] {1, 2, 3, 0}, r.experts());
        double e1 = Math.exp(1);
        assertEquals(e1 / (e1 + 1), r.weights()[0], 1e-6);
        assertEquals(1 / (e1 + 1), r.weights()[1], 1e-6);
        assertEquals(e1 / (e1 + 1), r.weights()[2], 1e-6);
    }

    /** DeepSeek-V3's rule: pick by sigmoid + bias, weigh by the unbiased sigmoids, normalised, times the scale. */
    @Test
    void sigmoidRoutingSelectsWithTheBiasButWeighsWithoutIt() {
        RouterSpec spec = new RouterSpec(RouterSpec.Gating.SIGMOID, 2, true, 2.5f, 1, 1);
        // sigmoids 0.731, 0.881, 0.5, 0.269; the bias lifts expert 3 past experts 0 and 1.
        Routing r = CPU.route(new float[] {1, 2, 0, -1}, 1, 4, spec, new float[] {0, 0, 0, 0.9f});
        assertArrayEquals(new int[] {3, 1}, r.experts());
        double s3 = 1 / (1 + Math.exp(1)), s1 = 1 / (1 + Math.exp(-2));
        assertEquals(2.5 * s3 / (s3 + s1), r.weights()[0], 1e-6);
        assertEquals(2.5 * s1 / (s3 + s1), r.weights()[1], 1e-6);
        RouterSpec raw = new RouterSpec(RouterSpec.Gating.SOFTMAX, 2, false, 1f, 1, 1);
        Routing unnormalised = CPU.route(new float[] {1, 3, 2, 0}, 1, 4, raw, null);
        double z = Math.exp(1) + Math.exp(3) + Math.exp(2) + 1;
        assertEquals(Math.exp(3) / z, unnormalised.weights()[0], 1e-6);
        assertEquals(Math.exp(2) / z, unnormalised.weights()[1], 1e-6);
    }

    /** Group-limited routing: only experts of the groups whose two best scores sum highest may be chosen. */
    @Test
    void groupLimitedRoutingKeepsTheBestGroups() {
        // Four groups of two experts; biased scores per group: {0.9, 0.1}=1.0, {0.6, 0.6}=1.2, {0.95, 0}=0.95,
        // {0.5, 0.55}=1.05. The two best groups are 1 and 3: expert 4 (0.95) is the best single score but is
        // out, so the top three are 2 and 3 (0.6, ties to the lower) and 7 (0.55).
        float[] selection = {0.9f, 0.1f, 0.6f, 0.6f, 0.95f, 0f, 0.5f, 0.55f};
        float[] logits = new float[8];
        for (int e = 0; e < 8; e++) logits[e] = (float) Math.log(selection[e] / (1 - selection[e] + 1e-30));
        logits[5] = -40;
        RouterSpec spec = new RouterSpec(RouterSpec.Gating.SIGMOID, 3, true, 1f, 4, 2);
        Routing r = CPU.route(logits, 1, 8, spec, null);
        assertArrayEquals(new int[] {2, 3, 7}, r.experts());
        assertEquals(0.6 / 1.75, r.weights()[0], 1e-5);
        assertEquals(0.55 / 1.75, r.weights()[2], 1e-5);
    }

    @Test
    void swigluAndAdd() {
        float[] g = {-2, 0, 1.5f}, u = {3, 4, -2}, out = new float[3];
        CPU.swiglu(g, u, 3, out);
        for (int i = 0; i < 3; i++) assertEquals(g[i] / (1 + Math.exp(-g[i])) * u[i], out[i], 1e-6);
        CPU.add(out, g, 3);
        assertEquals(-2 / (1 + Math.exp(2)) * 3 - 2, out[0], 1e-6);
    }

    /**
     * A prompt batch's elementwise ops are split over the workers by token: each token's results are the bits
     * it gets alone (on the calling thread), whatever the worker count, and the norm is still its formula.
     */
    @Test
    void elementwiseOpsOfABatchGiveEachTokenTheBitsItGetsAlone() {
        // 201 tokens of 96: every op of the batch above the values from which it is split
        int tokens = CpuBackend.PARALLEL_VALUES / 96 + 31, dim = 96, heads = 3, size = 32, experts = 16;
        try (WorkerPool one = new WorkerPool(1, "one"); WorkerPool three = new WorkerPool(3, "three")) {
            CpuBackend serial = new CpuBackend(one, RowDots.preferred()), split = new CpuBackend(three, RowDots.preferred());
            float[] x = gaussian(tokens * dim), w = gaussian(dim), normed = new float[tokens * dim];
            split.rmsNorm(x, tokens, dim, w, 1e-6f, normed);
            int[] positions = new int[tokens];
            for (int t = 0; t < tokens; t++) positions[t] = 5 + 3 * t;
            float[] rotated = normed.clone();
            RopeSpec rope = new RopeSpec(RopeStyle.HALVES, size, 10000f);
            split.rope(rotated, tokens, heads, size, positions, rope);
            float[] logits = gaussian(tokens * experts);
            Routing routing = split.route(logits, tokens, experts, RouterSpec.softmaxTopK(4), null);
            float[] expertRows = gaussian(tokens * 4 * dim), combined = new float[tokens * dim];
            split.combine(routing, expertRows, dim, combined);
            float[] gate = gaussian(tokens * dim * 11 + 5), up = gaussian(gate.length), act = new float[gate.length];
            split.swiglu(gate, up, gate.length, act);
            float[] sum = act.clone();
            split.add(sum, gate, gate.length);

            for (int t = 0; t < tokens; t++) {
                float[] row = new float[dim];
                serial.rmsNorm(java.util.Arrays.copyOfRange(x, t * dim, (t + 1) * dim), 1, dim, w, 1e-6f, row);
                assertArrayEquals(row, java.util.Arrays.copyOfRange(normed, t * dim, (t + 1) * dim), "norm of token " + t);
                double ss = 0;
                for (int i = 0; i < dim; i++) ss += (double) x[t * dim + i] * x[t * dim + i];
                for (int i = 0; i < dim; i++) assertEquals(x[t * dim + i] / Math.sqrt(ss / dim + 1e-6) * w[i], normed[t * dim + i], 1e-5);
                serial.rope(row, 1, heads, size, new int[] {positions[t]}, rope);
                assertArrayEquals(row, java.util.Arrays.copyOfRange(rotated, t * dim, (t + 1) * dim), "rotation of token " + t);
                Routing alone = serial.route(java.util.Arrays.copyOfRange(logits, t * experts, (t + 1) * experts), 1, experts, RouterSpec.softmaxTopK(4), null);
                assertArrayEquals(alone.experts(), java.util.Arrays.copyOfRange(routing.experts(), 4 * t, 4 * t + 4), "experts of token " + t);
                assertArrayEquals(alone.weights(), java.util.Arrays.copyOfRange(routing.weights(), 4 * t, 4 * t + 4), "weights of token " + t);
                float[] mixed = new float[dim];
                serial.combine(alone, java.util.Arrays.copyOfRange(expertRows, 4 * t * dim, 4 * (t + 1) * dim), dim, mixed);
                assertArrayEquals(mixed, java.util.Arrays.copyOfRange(combined, t * dim, (t + 1) * dim), "experts' sum of token " + t);
                for (int i = 0; i < dim; i++) {
                    double want = 0;
                    for (int j = 0; j < 4; j++) want += (double) alone.weights()[j] * expertRows[(4 * t + j) * dim + i];
                    assertEquals(want, combined[t * dim + i], 1e-5);
                    // and exactly as the reference rounds it: each weighted row in float, added in selection order
                    float inOrder = alone.weights()[0] * expertRows[4 * t * dim + i];
                    for (int j = 1; j < 4; j++) inOrder += alone.weights()[j] * expertRows[(4 * t + j) * dim + i];
                    assertEquals(inOrder, combined[t * dim + i], "experts' sum of token " + t + " at " + i + " in selection order");
                }
            }
            float[] wholeAct = new float[gate.length], wholeSum;
            serial.swiglu(gate, up, gate.length, wholeAct);
            assertArrayEquals(wholeAct, act, "swiglu split over the workers");
            wholeSum = wholeAct.clone();
            serial.add(wholeSum, gate, gate.length);
            assertArrayEquals(wholeSum, sum, "sum split over the workers");
            // The vector SwiGLU and its scalar tail differ in the last bit for a few percent of inputs, so a split
            // that is not in whole vectors shows within these lengths.
            for (int n = gate.length - 400; n < gate.length; n += 7) {
                float[] a = new float[n], b = new float[n];
                split.swiglu(gate, up, n, a);
                serial.swiglu(gate, up, n, b);
                assertArrayEquals(b, a, "swiglu of " + n + " split over the workers");
            }
        }
    }

    @Test
    void f16AndQ8CachesRoundTheStoredValues() {
        float[] row = gaussian(64);
        KvRows f16 = rows(CacheType.F16, 2, 64, 32);
        f16.write(1, row, 0);
        float[] back = new float[32];
        f16.read(1, 32, 32, back, 0);
        for (int i = 0; i < 32; i++) assertEquals(Float.float16ToFloat(Float.floatToFloat16(row[32 + i])), back[i]);
        double amax = 0;
        for (int i = 32; i < 64; i++) amax = Math.max(amax, Math.abs(row[i]));
        KvRows q8 = rows(CacheType.Q8_0, 2, 64, 32);
        q8.write(1, row, 0);
        q8.read(1, 32, 32, back, 0);
        for (int i = 0; i < 32; i++) assertEquals(row[32 + i], back[i], amax / 127 / 2 * 1.01);
    }

    /** {@code count} cache rows of {@code type} in native memory of their own. */
    private static KvRows rows(CacheType type, int count, int width, int headSize) {
        return type.rows(width, headSize, Arena.ofAuto().allocate(count * type.rowBytes(width), 8));
    }

    @Test
    void q8CacheRowsAreGgmlQ8_0Blocks() {
        // block_q8_0: an f16 scale d = max|x| / 127, then 32 int8 quants round(x / d); 34 bytes per 32 values.
        float[] row = gaussian(64);
        MemorySegment storage = Arena.ofAuto().allocate(3 * CacheType.Q8_0.rowBytes(64));
        assertEquals(3 * 68, storage.byteSize());
        CacheType.Q8_0.rows(64, 32, storage).write(2, row, 0);
        for (int b = 0; b < 2; b++) {
            long at = 2 * 68 + b * 34;
            float amax = 0;
            for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(row[b * 32 + i]));
            assertEquals(Float.floatToFloat16(amax / 127), storage.get(ValueLayout.JAVA_SHORT_UNALIGNED, at));
            for (int i = 0; i < 32; i++) {
                assertEquals(Math.round(row[b * 32 + i] * 127 / amax), storage.get(ValueLayout.JAVA_BYTE, at + 2 + i), 1, "quant " + i);
            }
        }
    }

    @Test
    void expertExecutorEqualsEachTokensChosenExpertsRunAlone() {
        int embd = 32, ff = 16, experts = 4, used = 2, tokens = 5;
        try (Arena arena = Arena.ofShared()) {
            WeightMatrix router = matrix(arena, embd, experts);
            ExpertWeights gate = experts(arena, embd, ff, experts), up = experts(arena, embd, ff, experts), down = experts(arena, ff, embd, experts);
            MoeWeights moe = new MoeWeights(router, null, gate, up, down);
            float[] h = gaussian(tokens * embd), out = new float[tokens * embd];
            new ExpertExecutor(CPU, experts, RouterSpec.softmaxTopK(used)).run(moe, h, tokens, out);
            for (int t = 0; t < tokens; t++) {
                double[] p = new double[experts];
                for (int e = 0; e < experts; e++) p[e] = Math.exp(dot(router, e, h, t * embd));
                int first = argmax(p, -1), second = argmax(p, first);
                double[] want = new double[embd];
                for (int e : new int[] {first, second}) {
                    double weight = p[e] / (p[first] + p[second]);
                    float[] act = new float[ff];
                    for (int r = 0; r < ff; r++) {
                        double g = dot(gate.expert(e), r, h, t * embd);
                        act[r] = (float) (g / (1 + Math.exp(-g)) * dot(up.expert(e), r, h, t * embd));
                    }
                    for (int r = 0; r < embd; r++) want[r] += weight * dot(down.expert(e), r, act, 0);
                }
                for (int r = 0; r < embd; r++) assertEquals(want[r], out[t * embd + r], 1e-4, "token " + t + " row " + r);
            }
        }
    }

    private WeightMatrix matrix(Arena arena, int cols, int rows) {
        return new WeightMatrix(floats(arena, cols * rows), GgmlType.F32, cols, rows);
    }

    private ExpertWeights experts(Arena arena, int cols, int rows, int n) {
        return new ExpertWeights(floats(arena, cols * rows * n), GgmlType.F32, cols, rows, n);
    }

    private MemorySegment floats(Arena arena, int n) {
        MemorySegment s = arena.allocate(4L * n, 64);
        for (int i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (random.nextGaussian() * 0.3));
        return s;
    }

    private static double dot(WeightMatrix w, int row, float[] x, int off) {
        double s = 0;
        for (int i = 0; i < w.cols(); i++) s += w.data().getAtIndex(ValueLayout.JAVA_FLOAT, (long) row * w.cols() + i) * x[off + i];
        return s;
    }

    private static int argmax(double[] p, int except) {
        int best = -1;
        for (int i = 0; i < p.length; i++) if (i != except && (best < 0 || p[i] > p[best])) best = i;
        return best;
    }
}
