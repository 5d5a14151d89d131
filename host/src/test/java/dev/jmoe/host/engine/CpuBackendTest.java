package dev.jmoe.host.engine;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.kernel.RowDots;
import dev.jmoe.host.kernel.WeightMatrix;
import dev.jmoe.host.kernel.WorkerPool;
import dev.jmoe.host.model.LayerWeights;
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
        int heads = 4, kvHeads = 2, size = 4, tokens = 3;
        AttentionShape shape = new AttentionShape(heads, kvHeads, size, size, 0.5f);
        KvCache.Layer kv = new KvCache.Layer(CacheType.F32.rows(8, kvHeads * size, size), CacheType.F32.rows(8, kvHeads * size, size));
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
                    s[p] = Math.exp(s[p] * 0.5);
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
    void routingTakesTheTopExpertsAndRenormalisesTheirProbabilities() {
        Routing r = CPU.route(new float[] {1, 3, 2, 0, /* token 1 */ 5, 0, 0, 6}, 2, 4, 2);
        assertArrayEquals(new int[] {1, 2, 3, 0}, r.experts());
        double e1 = Math.exp(1);
        assertEquals(e1 / (e1 + 1), r.weights()[0], 1e-6);
        assertEquals(1 / (e1 + 1), r.weights()[1], 1e-6);
        assertEquals(e1 / (e1 + 1), r.weights()[2], 1e-6);
    }

    @Test
    void swigluAndAdd() {
        float[] g = {-2, 0, 1.5f}, u = {3, 4, -2}, out = new float[3];
        CPU.swiglu(g, u, 3, out);
        for (int i = 0; i < 3; i++) assertEquals(g[i] / (1 + Math.exp(-g[i])) * u[i], out[i], 1e-6);
        CPU.add(out, g, 3);
        assertEquals(-2 / (1 + Math.exp(2)) * 3 - 2, out[0], 1e-6);
    }

    @Test
    void f16AndQ8CachesRoundTheStoredValues() {
        float[] row = gaussian(32);
        float[] ones = new float[32];
        java.util.Arrays.fill(ones, 1f);
        KvRows f16 = CacheType.F16.rows(1, 32, 32);
        f16.write(0, row, 0);
        double want = 0, amax = 0;
        for (float x : row) {
            want += Float.float16ToFloat(Float.floatToFloat16(x));
            amax = Math.max(amax, Math.abs(x));
        }
        assertEquals(want, f16.dot(0, 0, ones, 0, 32), 1e-5);
        KvRows q8 = CacheType.Q8_0.rows(1, 32, 32);
        q8.write(0, row, 0);
        float[] back = new float[32];
        q8.addScaled(0, 0, 1f, back, 0, 32);
        for (int i = 0; i < 32; i++) assertEquals(row[i], back[i], amax / 127 / 2 * 1.01);
    }

    @Test
    void expertExecutorEqualsEachTokensChosenExpertsRunAlone() {
        int embd = 32, ff = 16, experts = 4, used = 2, tokens = 5;
        try (Arena arena = Arena.ofShared()) {
            WeightMatrix router = matrix(arena, embd, experts);
            ExpertWeights gate = experts(arena, embd, ff, experts), up = experts(arena, embd, ff, experts), down = experts(arena, ff, embd, experts);
            LayerWeights lw = new LayerWeights(null, null, null, null, null, null, null, null, router, gate, up, down, null, null, null);
            float[] h = gaussian(tokens * embd), out = new float[tokens * embd];
            new ExpertExecutor(CPU, experts, used).run(lw, h, tokens, out);
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
