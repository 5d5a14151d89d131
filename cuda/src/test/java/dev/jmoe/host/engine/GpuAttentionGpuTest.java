package dev.jmoe.host.engine;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmoe.cuda.CudaGpuProbe;
import dev.jmoe.cuda.compute.CudaContext;
import dev.jmoe.cuda.compute.GpuAttention;
import dev.jmoe.host.kernel.RowDots;
import dev.jmoe.host.kernel.WorkerPool;
import dev.jmoe.host.model.Device;
import dev.jmoe.host.topo.GpuProbe;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * attention_f32 over the device mirror against a double-precision reference computed from the host cache's own
 * rows (read back as the host's attention reads them), for grouped-query and latent (shared rows) shapes, f16 and
 * q8_0 caches, a prompt (causal over its own positions) and a decode step deep in the cache.
 */
@Tag("gpu")
class GpuAttentionGpuTest {
    private static String unavailable;
    private static CudaContext context;
    private static WorkerPool pool;

    @BeforeAll
    static void open() {
        GpuProbe.Report report = new CudaGpuProbe().probe();
        if (!report.available()) {
            unavailable = "no CUDA device to run on: " + report.reason();
            return;
        }
        context = CudaContext.open(0);
        pool = new WorkerPool(2, "attention-gpu-test");
    }

    @AfterAll
    static void close() {
        if (context != null) context.close();
        if (pool != null) pool.close();
    }

    @BeforeEach
    void requireDevice() {
        assumeTrue(unavailable == null, unavailable);
    }

    @ParameterizedTest
    @CsvSource({
            "8, 2, 64, 64, F16, 0, 7",      // a 7-token prompt from position 0
            "8, 2, 64, 64, Q8_0, 0, 7",
            "8, 8, 128, 128, F16, 300, 1",  // one decode step after 300 cached positions
            "16, 1, 576, 512, F16, 40, 3",  // latent attention: one shared row of [c | k_pe], values the first 512
            "4, 2, 40, 40, F32, 0, 5"})     // heads shorter than a warp's stride, not multiples of 32
    void matchesTheReferenceOverTheHostRows(int heads, int kvHeads, int keyLength, int valueLength, CacheType type, int depth, int tokens) {
        boolean shared = kvHeads == 1 && keyLength != valueLength;
        int keyWidth = kvHeads * keyLength, valueWidth = kvHeads * valueLength, capacity = depth + tokens;
        SplittableRandom random = new SplittableRandom(heads * 131L + depth);
        try (Arena arena = Arena.ofConfined(); GpuAttention gpu = new GpuAttention(context)) {
            KvRows keys = type.rows(keyWidth, keyLength, arena.allocate(capacity * type.rowBytes(keyWidth), 8));
            KvRows values = shared ? keys : type.rows(valueWidth, valueLength, arena.allocate(capacity * type.rowBytes(valueWidth), 8));
            KvCache.Layer kv = new KvCache.Layer(keys, values, Device.cuda(0));
            CpuBackend cpu = new CpuBackend(pool, RowDots.preferred());
            AttentionShape shape = new AttentionShape(heads, kvHeads, keyLength, valueLength, (float) (1 / Math.sqrt(keyLength)));
            // the cache up to the depth in chunks (as earlier passes would have stored it), then this pass's tokens
            for (int p0 = 0; p0 < capacity; p0 += 64) {
                int n = Math.min(64, capacity - p0);
                float[] k = gaussian(random, n * keyWidth), v = shared ? null : gaussian(random, n * valueWidth);
                int[] positions = new int[n];
                for (int i = 0; i < n; i++) positions[i] = p0 + i;
                cpu.storeKv(kv, k, v, n, positions);
                gpu.store(kv, n, positions);
            }
            int[] positions = new int[tokens];
            for (int t = 0; t < tokens; t++) positions[t] = depth + t;
            float[] q = gaussian(random, tokens * heads * keyLength);
            float[] out = new float[tokens * heads * valueLength];
            gpu.attend(q, tokens, positions, kv, shape, out);
            check(q, positions, kv, shape, out, keyWidth, shared ? keyWidth : valueWidth);
        }
    }

    private static void check(float[] q, int[] positions, KvCache.Layer kv, AttentionShape s, float[] out, int keyWidth, int valueWidth) {
        float[] krow = new float[keyWidth], vrow = new float[valueWidth];
        for (int t = 0; t < positions.length; t++) {
            for (int h = 0; h < s.heads(); h++) {
                int g = h / (s.heads() / s.kvHeads());
                int seen = positions[t] + 1;
                double[] w = new double[seen];
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int p = 0; p < seen; p++) {
                    kv.keys().read(p, 0, keyWidth, krow, 0);
                    for (int i = 0; i < s.keyLength(); i++) w[p] += (double) q[(t * s.heads() + h) * s.keyLength() + i] * krow[g * s.keyLength() + i];
                    w[p] *= s.scale();
                    max = Math.max(max, w[p]);
                }
                for (int p = 0; p < seen; p++) sum += w[p] = Math.exp(w[p] - max);
                double[] want = new double[s.valueLength()];
                double magnitude = 0;
                for (int p = 0; p < seen; p++) {
                    kv.values().read(p, 0, valueWidth, vrow, 0);
                    for (int i = 0; i < s.valueLength(); i++) {
                        want[i] += w[p] / sum * vrow[g * s.valueLength() + i];
                        magnitude = Math.max(magnitude, Math.abs(vrow[g * s.valueLength() + i]));
                    }
                }
                for (int i = 0; i < s.valueLength(); i++) {
                    double got = out[(t * s.heads() + h) * s.valueLength() + i];
                    // float scores and sums over a few hundred positions: a relative 1e-4 of the values' size is ample
                    if (Math.abs(got - want[i]) > 1e-4 * magnitude + 1e-6) {
                        fail("token %d head %d element %d: GPU %s, reference %s".formatted(t, h, i, got, want[i]));
                    }
                }
            }
        }
    }

    private static float[] gaussian(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (random.nextGaussian() * 0.5);
        return v;
    }
}
