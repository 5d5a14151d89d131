package dev.jmoe.cuda.staging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmoe.cuda.compute.CudaBackend;
import dev.jmoe.cuda.compute.DeviceExperts;
import dev.jmoe.cuda.compute.ExpertProduct;
import dev.jmoe.cuda.compute.GpuWeights;
import dev.jmoe.cuda.compute.ReferenceProduct;
import dev.jmoe.host.TestData;
import dev.jmoe.host.engine.CacheType;
import dev.jmoe.host.engine.CpuBackend;
import dev.jmoe.host.engine.DeviceFailureException;
import dev.jmoe.host.engine.KvCache;
import dev.jmoe.host.engine.OffloadRule;
import dev.jmoe.host.engine.TransformerForward;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.gguf.TensorDataSource;
import dev.jmoe.host.kernel.RowDots;
import dev.jmoe.host.kernel.WorkerPool;
import dev.jmoe.host.model.ModelConfig;
import dev.jmoe.host.model.ModelWeights;
import dev.jmoe.host.numa.PlacementPlan;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jcuda.CudaException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hybrid forward pass end to end without a GPU: the CUDA backend assembled with doubles for its device parts —
 * every non-expert matrix "on the device" (its product computed from the bytes at the address it is handed), the
 * host experts staged through {@link FakeDeviceCopies} for every micro-batch — against the CPU backend alone, on
 * the F32 test models. Routing, the staging uploads, the per-expert gathers and scatters and the product dispatch
 * all sit between the two; only float rounding may differ.
 */
class HybridDispatchTest {
    private static final int[] TOKENS = {1, 450, 1012, 29, 17, 880, 5, 1931, 91, 614, 47, 3, 1200, 77, 310, 12};   // below every test vocabulary (2048)

    /** Every architecture family: grouped-query with softmax routing, Mixtral's top-2, DeepSeek's latent attention with shared experts and sigmoid routing. */
    @ParameterizedTest
    @ValueSource(strings = {"qwen3moe-a-f32", "mixtral-a-f32", "ds2-a-f32"})
    void logitsMatchTheCpuBackendWithExpertsStagedAndProductsOnTheDevice(String name) {
        GgufModel model = GgufModel.open(TestData.model(name));
        ModelConfig config = ModelConfig.from(model);
        try (TensorDataSource data = TensorDataSource.open(model); WorkerPool pool = new WorkerPool(2, "hybrid-test");
             FakeDeviceCopies copies = new FakeDeviceCopies()) {
            ModelWeights weights = ModelWeights.load(model, config, data);
            CpuBackend cpu = new CpuBackend(pool, RowDots.preferred());
            float[] want = logits(config, weights, cpu);

            Map<Long, GpuWeights.Matrix> onDevice = new HashMap<>();
            List<ExpertTensor> hostExperts = new ArrayList<>();
            for (GgufTensorInfo t : model.tensors()) {
                MemorySegment bytes = data.segment(t);
                if (t.isExpert()) hostExperts.add(ExpertTensor.of(t.name(), bytes, (int) t.shape()[2]));
                else if (t.shape().length == 2 && !t.name().equals("token_embd.weight")) onDevice.put(bytes.address(), new GpuWeights.Matrix(0, bytes.address(), t.type()));
            }
            AtomicInteger products = new AtomicInteger();
            ExpertProduct product = (address, type, cols, rows, x, tokens, out) -> {
                products.incrementAndGet();
                ReferenceProduct.atAddress(address, type, cols, rows, x, tokens, out);
            };
            DeviceExperts experts = DeviceExperts.open(hostExperts, copies, new StagingOptions(PinMode.COPY, 1L << 30, false),
                    OffloadRule.fixed(1), config.moe().router().used(), product, line -> { throw new AssertionError(line); });
            float[] got;
            try (CudaBackend hybrid = new CudaBackend(cpu, onDevice::get, Map.of(0, product), Map.of(), experts, 0, List.of(experts))) {
                got = logits(config, weights, hybrid);
                assertTrue(hybrid.transferTotals().orElseThrow().bytes() > 0, "experts went up through staging");
            }
            assertTrue(products.get() > onDevice.size(), "matrix and expert products ran on the device double: " + products.get());
            assertCloseLogits(name, want, got);
        }
    }

    /**
     * Every matrix and expert stack placed on the device ({@code -ngl all}): each stack is a copy at another
     * address, and the products must read each routed expert there, one expert size after another.
     */
    @ParameterizedTest
    @ValueSource(strings = {"qwen3moe-a-f32", "mixtral-a-f32", "ds2-a-f32"})
    void logitsMatchTheCpuBackendWithExpertsResidentOnTheDevice(String name) {
        GgufModel model = GgufModel.open(TestData.model(name));
        ModelConfig config = ModelConfig.from(model);
        try (TensorDataSource data = TensorDataSource.open(model); WorkerPool pool = new WorkerPool(2, "hybrid-test");
             Arena arena = Arena.ofShared()) {
            ModelWeights weights = ModelWeights.load(model, config, data);
            CpuBackend cpu = new CpuBackend(pool, RowDots.preferred());
            float[] want = logits(config, weights, cpu);

            Map<Long, GpuWeights.Matrix> onDevice = new HashMap<>();
            List<long[]> stacks = new ArrayList<>();   // device copy address, bytes
            for (GgufTensorInfo t : model.tensors()) {
                MemorySegment bytes = data.segment(t);
                if (t.isExpert()) {
                    MemorySegment copy = arena.allocate(bytes.byteSize(), 256).copyFrom(bytes);
                    onDevice.put(bytes.address(), new GpuWeights.Matrix(0, copy.address(), t.type()));
                    stacks.add(new long[] {copy.address(), copy.byteSize()});
                } else if (t.shape().length == 2 && !t.name().equals("token_embd.weight")) {
                    onDevice.put(bytes.address(), new GpuWeights.Matrix(0, bytes.address(), t.type()));
                }
            }
            AtomicInteger expertProducts = new AtomicInteger();
            ExpertProduct product = (address, type, cols, rows, x, tokens, out) -> {
                for (long[] s : stacks) {
                    if (address >= s[0] && address < s[0] + s[1]) {
                        expertProducts.incrementAndGet();
                        assertEquals(0, (address - s[0]) % (type.bytesFor(cols) * rows), "an expert's start in its stack");
                    }
                }
                ReferenceProduct.atAddress(address, type, cols, rows, x, tokens, out);
            };
            float[] got;
            try (CudaBackend gpu = new CudaBackend(cpu, onDevice::get, Map.of(0, product), Map.of(), null, 0, List.of())) {
                got = logits(config, weights, gpu);
            }
            assertTrue(expertProducts.get() > 0, "expert products ran on the device copies");
            assertCloseLogits(name, want, got);
        }
    }

    /**
     * A CUDA error in the middle of a pass (here the third expert upload's products) fails that pass with the
     * reason; the next pass, through the same backend, runs on the host and gives the CPU's logits exactly.
     */
    @Test
    void aCudaErrorMidPassFailsThatPassAndTheNextOneRunsOnTheHost() {
        GgufModel model = GgufModel.open(TestData.model("qwen3moe-a-f32"));
        ModelConfig config = ModelConfig.from(model);
        try (TensorDataSource data = TensorDataSource.open(model); WorkerPool pool = new WorkerPool(2, "hybrid-test");
             FakeDeviceCopies copies = new FakeDeviceCopies()) {
            ModelWeights weights = ModelWeights.load(model, config, data);
            CpuBackend cpu = new CpuBackend(pool, RowDots.preferred());
            float[] want = logits(config, weights, cpu);
            List<ExpertTensor> hostExperts = new ArrayList<>();
            for (GgufTensorInfo t : model.tensors()) {
                if (t.isExpert()) hostExperts.add(ExpertTensor.of(t.name(), data.segment(t), (int) t.shape()[2]));
            }
            AtomicInteger products = new AtomicInteger();
            ExpertProduct product = (address, type, cols, rows, x, tokens, out) -> {
                if (products.incrementAndGet() == 3) throw new CudaException("CUDA_ERROR_ILLEGAL_ADDRESS");
                ReferenceProduct.atAddress(address, type, cols, rows, x, tokens, out);
            };
            DeviceExperts experts = DeviceExperts.open(hostExperts, copies, new StagingOptions(PinMode.COPY, 1L << 30, false),
                    OffloadRule.fixed(1), config.moe().router().used(), product, line -> { throw new AssertionError(line); });
            try (CudaBackend hybrid = new CudaBackend(cpu, a -> null, Map.of(0, product), Map.of(), experts, 0, List.of(experts))) {
                var e = assertThrows(DeviceFailureException.class,
                        () -> logits(config, weights, hybrid));
                assertTrue(e.getMessage().contains("expert products on the GPU failed: CUDA_ERROR_ILLEGAL_ADDRESS"), e.getMessage());
                float[] got = logits(config, weights, hybrid);
                assertArrayEquals(want, got, "the host backend's logits, bit for bit");
                assertEquals(3, products.get(), "nothing reached the device after the failure");
            }
        }
    }

    /** Only float rounding may differ: every logit within 1e-3 of the CPU backend's. */
    private static void assertCloseLogits(String name, float[] want, float[] got) {
        float worst = 0;
        for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]));
        assertTrue(worst <= 1e-3f, name + ": worst |device - cpu| logit " + worst);
    }

    private static float[] logits(ModelConfig config, ModelWeights weights, dev.jmoe.host.engine.Backend backend) {
        KvCache cache = new KvCache(config, 64, CacheType.F16, CacheType.F16, PlacementPlan.THREAD_POLICY);
        return new TransformerForward(config, weights, backend).forward(TOKENS, 0, TOKENS.length, 0, cache, TOKENS.length);
    }
}
