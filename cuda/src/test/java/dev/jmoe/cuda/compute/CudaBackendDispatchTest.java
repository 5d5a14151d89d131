package dev.jmoe.cuda.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmoe.host.engine.AttentionShape;
import dev.jmoe.host.engine.CpuBackend;
import dev.jmoe.host.engine.DeviceFailureException;
import dev.jmoe.host.engine.KvCache;
import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.kernel.RowDots;
import dev.jmoe.host.kernel.WeightMatrix;
import dev.jmoe.host.kernel.WorkerPool;
import dev.jmoe.host.TestData;
import dev.jmoe.host.engine.CacheType;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.model.Device;
import dev.jmoe.host.model.ModelConfig;
import dev.jmoe.host.numa.PlacementPlan;
import jcuda.CudaException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which op runs where, without a GPU: the device parts are doubles (a product that computes from the bytes at the
 * address it is given, an attention that records its calls), the host backend is the real CPU one. A product of a
 * matrix with a device copy goes to that device's product at that copy's address; one without goes to the host;
 * a GPU layer's rows are written on the host and mirrored, and its attention runs on the device; a host layer's
 * stays on the host; closing closes everything, newest first.
 */
class CudaBackendDispatchTest {
    private final Arena arena = Arena.ofShared();
    private final WorkerPool pool = new WorkerPool(1, "dispatch-test");
    private final CpuBackend cpu = new CpuBackend(pool, RowDots.preferred());
    private final List<String> calls = new ArrayList<>();

    @AfterEach
    void close() {
        pool.close();
        arena.close();
    }

    @Test
    void productsGoWhereTheirMatrixIs() {
        WeightMatrix onGpu = q8Matrix(64, 5, 1), onHost = q8Matrix(64, 3, 2);
        // The "device copy" is a second copy of the bytes, so the address the product gets tells which copy it read.
        MemorySegment copy = arena.allocate(onGpu.bytes(), 64).copyFrom(onGpu.data());
        ExpertProduct product = (address, type, cols, rows, x, tokens, out) -> {
            calls.add("product on CUDA0 at " + (address == copy.address() ? "the copy" : address));
            ReferenceProduct.atAddress(address, type, cols, rows, x, tokens, out);
        };
        try (CudaBackend b = backend(a -> a == onGpu.data().address() ? new GpuWeights.Matrix(0, copy.address(), GgmlType.Q8_0) : null,
                product, recordingAttention())) {
            float[] x = randomFloats(2 * 64);
            float[] out = new float[2 * 5];
            b.matmul(onGpu, x, 2, out);
            assertEquals(List.of("product on CUDA0 at the copy"), calls);
            float[] want = new float[2 * 5];
            ReferenceProduct.multiply(onGpu.data(), GgmlType.Q8_0, 64, 5, x, 2, want);
            assertArrayEquals(want, out);

            float[] hostOut = new float[2 * 3];
            b.matmul(onHost, x, 2, hostOut);
            assertEquals(1, calls.size(), "a host matrix does not reach the device");
            float[] cpuOut = new float[2 * 3];
            cpu.matmul(onHost, x, 2, cpuOut);
            assertArrayEquals(cpuOut, hostOut, "the host backend computed it");
        }
    }

    @Test
    void aGpuLayersCacheIsMirroredAndAttendedOnTheDeviceAHostLayersIsNot() {
        ModelConfig c = ModelConfig.from(GgufModel.open(TestData.model("qwen3moe-a-f32")));
        KvCache cache = new KvCache(c, 8, CacheType.F16, CacheType.F16, PlacementPlan.THREAD_POLICY, il -> il == 0 ? Device.cuda(0) : Device.CPU);
        AttentionShape shape = new AttentionShape(c.heads(), c.kvHeads(), c.keyLength(), c.valueLength(), 0.125f);
        int tokens = 3;
        int[] positions = {0, 1, 2};
        float[] k = randomFloats(tokens * c.kDim()), v = randomFloats(tokens * c.vDim()), q = randomFloats(tokens * c.heads() * c.keyLength());
        try (CudaBackend b = backend(a -> null, (address, type, cols, rows, x, n, out) -> calls.add("product"), recordingAttention())) {
            b.storeKv(cache.layer(0), k, v, tokens, positions);
            float[] row = new float[c.kDim()];
            cache.layer(0).keys().read(2, 0, c.kDim(), row, 0);
            assertEquals(k[2 * c.kDim() + 5], row[5], 1e-2f, "the host cache is written for a GPU layer too (the mirror's source)");
            float[] out = new float[tokens * c.heads() * c.valueLength()];
            b.attention(q, tokens, positions, cache.layer(0), shape, out);
            assertEquals(List.of("store 3 on CUDA0", "attend 3 on CUDA0"), calls);
            assertEquals(7f, out[0], "the device's result");

            b.storeKv(cache.layer(1), k, v, tokens, positions);
            float[] hostOut = new float[out.length];
            b.attention(q, tokens, positions, cache.layer(1), shape, hostOut);
            assertEquals(2, calls.size(), "a host layer neither mirrors nor attends on the device: " + calls);
            float[] cpuOut = new float[out.length];
            cpu.attention(q, tokens, positions, cache.layer(1), shape, cpuOut);
            assertArrayEquals(cpuOut, hostOut);
        }
        assertEquals(List.of("closed second", "closed first"), calls.subList(2, 4), "closed newest first");
    }

    @Test
    void anExpertStackOnTheDeviceRunsEachRoutedExpertAtItsOffsetOverItsTokens() {
        int cols = 64, rows = 3, experts = 5;
        ExpertWeights w = new ExpertWeights(RandomBlocks.of(GgmlType.Q8_0, (long) experts * rows * cols, 4, arena), GgmlType.Q8_0, cols, rows, experts);
        long expertBytes = GgmlType.Q8_0.bytesFor(cols) * rows;
        MemorySegment copy = arena.allocate(w.data().byteSize(), 256).copyFrom(w.data());
        ExpertProduct product = (address, type, c, r, x, tokens, out) -> {
            calls.add("expert " + (address - copy.address()) / expertBytes + " x" + tokens);
            ReferenceProduct.atAddress(address, type, c, r, x, tokens, out);
        };
        try (CudaBackend b = backend(a -> a == w.data().address() ? new GpuWeights.Matrix(0, copy.address(), GgmlType.Q8_0) : null,
                product, recordingAttention())) {
            int tokens = 3;
            float[] x = randomFloats(tokens * cols);
            int[] pairToken = {0, 0, 1, 1, 2, 2}, pairExpert = {4, 1, 1, 3, 4, 1};
            float[] out = new float[pairToken.length * rows];
            b.experts(w, x, tokens, pairToken, pairExpert, out);
            assertEquals(List.of("expert 1 x3", "expert 3 x1", "expert 4 x2"), calls, "experts 0 and 2 were not routed");
            for (int i = 0; i < pairToken.length; i++) {
                float[] want = new float[rows];
                ReferenceProduct.multiply(w.expert(pairExpert[i]).data(), GgmlType.Q8_0, cols, rows,
                        java.util.Arrays.copyOfRange(x, pairToken[i] * cols, (pairToken[i] + 1) * cols), 1, want);
                assertArrayEquals(want, java.util.Arrays.copyOfRange(out, i * rows, (i + 1) * rows), "pair " + i);
            }
        }
    }

    @Test
    void aDeviceStackHandsAllPairsToTheProductsPairsEntryAtOnce() {
        int cols = 64, rows = 3, experts = 5;
        ExpertWeights w = new ExpertWeights(RandomBlocks.of(GgmlType.Q8_0, (long) experts * rows * cols, 5, arena), GgmlType.Q8_0, cols, rows, experts);
        MemorySegment copy = arena.allocate(w.data().byteSize(), 256).copyFrom(w.data());
        ExpertProduct batched = new ExpertProduct() {
            @Override
            public void multiply(long weights, GgmlType type, int c, int r, float[] x, int tokens, float[] out) {
                calls.add("multiply");
            }

            @Override
            public void pairs(long stack, long expertBytes, GgmlType type, int c, int r, int n, float[] x, int tokens,
                              int[] pairToken, int[] pairExpert, float[] out) {
                calls.add("pairs of " + pairExpert.length + " over " + tokens + " tokens, stack at the copy: " + (stack == copy.address())
                        + ", " + expertBytes + " bytes apart, " + n + " experts");
            }
        };
        try (CudaBackend b = backend(a -> a == w.data().address() ? new GpuWeights.Matrix(0, copy.address(), GgmlType.Q8_0) : null,
                batched, recordingAttention())) {
            b.experts(w, randomFloats(2 * cols), 2, new int[] {0, 0, 1, 1}, new int[] {4, 1, 1, 3}, new float[4 * rows]);
        }
        assertEquals("pairs of 4 over 2 tokens, stack at the copy: true, " + GgmlType.Q8_0.bytesFor(cols) * rows + " bytes apart, 5 experts",
                calls.getFirst());
    }

    @Test
    void aCudaErrorFailsThatOpWithTheReasonAndEveryLaterOpRunsOnTheHost() {
        WeightMatrix w = q8Matrix(64, 5, 3);
        MemorySegment copy = arena.allocate(w.bytes(), 64).copyFrom(w.data());
        ExpertProduct failing = (address, type, cols, rows, x, tokens, out) -> {
            calls.add("product");
            throw new CudaException("CUDA_ERROR_ILLEGAL_ADDRESS");
        };
        ModelConfig c = ModelConfig.from(GgufModel.open(TestData.model("qwen3moe-a-f32")));
        KvCache cache = new KvCache(c, 8, CacheType.F16, CacheType.F16, PlacementPlan.THREAD_POLICY, il -> Device.cuda(0));
        AttentionShape shape = new AttentionShape(c.heads(), c.kvHeads(), c.keyLength(), c.valueLength(), 0.125f);
        try (CudaBackend b = backend(a -> a == w.data().address() ? new GpuWeights.Matrix(0, copy.address(), GgmlType.Q8_0) : null,
                failing, recordingAttention())) {
            float[] x = randomFloats(2 * 64);
            float[] out = new float[2 * 5];
            DeviceFailureException e = assertThrows(DeviceFailureException.class, () -> b.matmul(w, x, 2, out));
            assertTrue(e.getMessage().contains("CUDA_ERROR_ILLEGAL_ADDRESS") && e.getMessage().contains("weight product on CUDA0")
                    && e.getMessage().contains("CPU-only from now on"), e.getMessage());
            assertEquals(Optional.of("a weight product on CUDA0 failed: CUDA_ERROR_ILLEGAL_ADDRESS"), b.failure());

            // The same product again: on the host now, the host's result.
            b.matmul(w, x, 2, out);
            float[] want = new float[2 * 5];
            cpu.matmul(w, x, 2, want);
            assertArrayEquals(want, out);
            // A GPU layer's cache: written on the host only, attended there.
            int[] positions = {0, 1};
            float[] k = randomFloats(2 * c.kDim()), v = randomFloats(2 * c.vDim()), q = randomFloats(2 * c.heads() * c.keyLength());
            b.storeKv(cache.layer(0), k, v, 2, positions);
            float[] att = new float[2 * c.heads() * c.valueLength()], cpuAtt = new float[att.length];
            b.attention(q, 2, positions, cache.layer(0), shape, att);
            cpu.attention(q, 2, positions, cache.layer(0), shape, cpuAtt);
            assertArrayEquals(cpuAtt, att);
            assertEquals(List.of("product"), calls, "nothing reached the device after the failure");
        }
    }

    @Test
    void aFailingAttentionDropsTheGpuToo() {
        ModelConfig c = ModelConfig.from(GgufModel.open(TestData.model("qwen3moe-a-f32")));
        KvCache cache = new KvCache(c, 8, CacheType.F16, CacheType.F16, PlacementPlan.THREAD_POLICY, il -> Device.cuda(0));
        AttentionShape shape = new AttentionShape(c.heads(), c.kvHeads(), c.keyLength(), c.valueLength(), 0.125f);
        KvAttention broken = new KvAttention() {
            @Override
            public void store(KvCache.Layer kv, int tokens, int[] positions) {
                calls.add("store");
            }

            @Override
            public boolean mirrors(KvCache.Layer kv, int last) {
                return true;
            }

            @Override
            public void attend(float[] q, int tokens, int[] positions, KvCache.Layer kv, AttentionShape s, float[] out) {
                throw new IllegalStateException("cuLaunchKernel: CUDA_ERROR_LAUNCH_FAILED");
            }
        };
        try (CudaBackend b = backend(a -> null, (address, type, cols, rows, x, n, out) -> calls.add("product"), broken)) {
            int[] positions = {0};
            float[] q = randomFloats(c.heads() * c.keyLength()), out = new float[c.heads() * c.valueLength()];
            b.storeKv(cache.layer(0), randomFloats(c.kDim()), randomFloats(c.vDim()), 1, positions);
            DeviceFailureException e = assertThrows(DeviceFailureException.class, () -> b.attention(q, 1, positions, cache.layer(0), shape, out));
            assertTrue(e.getMessage().contains("attention on CUDA0 failed: cuLaunchKernel: CUDA_ERROR_LAUNCH_FAILED"), e.getMessage());
            b.storeKv(cache.layer(0), randomFloats(c.kDim()), randomFloats(c.vDim()), 1, new int[] {1});
            assertEquals(List.of("store"), calls, "the second store stayed on the host");
        }
    }

    private CudaBackend backend(java.util.function.LongFunction<GpuWeights.Matrix> matrices, ExpertProduct product, KvAttention attention) {
        AutoCloseable first = () -> calls.add("closed first");
        AutoCloseable second = () -> calls.add("closed second");
        return new CudaBackend(cpu, matrices, Map.of(0, product), Map.of(0, attention), null, 0, List.of(first, second));
    }

    private KvAttention recordingAttention() {
        return new KvAttention() {
            @Override
            public void store(KvCache.Layer kv, int tokens, int[] positions) {
                calls.add("store " + tokens + " on CUDA0");
            }

            @Override
            public boolean mirrors(KvCache.Layer kv, int last) {
                return true;
            }

            @Override
            public void attend(float[] q, int tokens, int[] positions, KvCache.Layer kv, AttentionShape s, float[] out) {
                calls.add("attend " + tokens + " on CUDA0");
                java.util.Arrays.fill(out, 7f);
            }
        };
    }

    private WeightMatrix q8Matrix(int cols, int rows, long seed) {
        return new WeightMatrix(RandomBlocks.of(GgmlType.Q8_0, (long) rows * cols, seed, arena), GgmlType.Q8_0, cols, rows);
    }

    private static float[] randomFloats(int n) {
        SplittableRandom random = new SplittableRandom(n);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) random.nextDouble(-1, 1);
        return v;
    }
}
