package dev.jmoe.host.engine;

import dev.jmoe.host.TestData;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.gguf.PlacedTensors;
import dev.jmoe.host.gguf.TensorDataSource;
import dev.jmoe.host.kernel.RowDots;
import dev.jmoe.host.kernel.WorkerPool;
import dev.jmoe.host.kernel.WorkerReplicas;
import dev.jmoe.host.model.ModelConfig;
import dev.jmoe.host.model.ModelWeights;
import dev.jmoe.host.model.Placement;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Replicated expert tensors through the whole forward pass: the weights bind every replica, and a worker
 * sent to replica 1 computes with replica 1's bytes. Replica 1 is made all zeros (every expert then
 * outputs 0), so the logits tell which replica was read; the reference for it is a load whose only
 * copy of the experts is zeros.
 */
class MirroredExpertsTest {
    private static final String MODEL = "qwen3moe-a-q4_k_m";
    private static final int[] TOKENS = {1, 17, 230, 4, 99};

    /** Replica 0: the file's bytes; replica 1 (when {@code replicas} is 2) or the only one: zeros for the experts. */
    private record ZeroedExperts(TensorDataSource file, Arena arena, Map<GgufTensorInfo, MemorySegment> zeros, int replicas,
                                 boolean zerosFirst) implements PlacedTensors {
        static ZeroedExperts of(GgufModel model, int replicas, boolean zerosFirst) {
            Arena arena = Arena.ofShared();
            Map<GgufTensorInfo, MemorySegment> zeros = new HashMap<>();
            for (GgufTensorInfo t : model.tensors()) if (t.isExpert()) zeros.put(t, arena.allocate(t.bytes(), 64));
            return new ZeroedExperts(TensorDataSource.open(model), arena, zeros, replicas, zerosFirst);
        }

        @Override
        public MemorySegment segment(GgufTensorInfo tensor, int replica) {
            if (!tensor.isExpert()) return file.segment(tensor);
            return (replica == 1 || zerosFirst) ? zeros.get(tensor) : file.segment(tensor);
        }

        @Override
        public int replicasOf(GgufTensorInfo tensor) {
            return tensor.isExpert() ? replicas : 1;
        }

        @Override
        public void close() {
            file.close();
            arena.close();
        }
    }

    private static float[] logits(GgufModel model, PlacedTensors tensors, WorkerReplicas replicas) {
        ModelConfig config = ModelConfig.from(model);
        try (TensorDataSource data = TensorDataSource.placed(tensors); WorkerPool pool = new WorkerPool(2, "mirror-test")) {
            ModelWeights weights = ModelWeights.load(model, config, data);
            assertEquals(tensors.replicasOf(model.tensor("blk.0.ffn_up_exps.weight")),
                    weights.layers().getFirst().moe().up().replicaCount());
            Forward forward = new TransformerForward(config, weights, new CpuBackend(pool, RowDots.preferred(), replicas));
            return new Session(forward, new KvCache(config, 32, CacheType.F16, CacheType.F16, dev.jmoe.host.numa.PlacementPlan.THREAD_POLICY), config.vocab(), 512).evaluateAll(TOKENS);
        }
    }

    @Test
    void workersReadTheReplicaTheyAreSentTo() {
        GgufModel model = GgufModel.open(TestData.model(MODEL));
        float[] plain = logits(model, ZeroedExperts.of(model, 1, false), WorkerReplicas.FIRST);
        float[] zeroExperts = logits(model, ZeroedExperts.of(model, 1, true), WorkerReplicas.FIRST);
        assertFalse(java.util.Arrays.equals(plain, zeroExperts), "zeroed experts change the logits");

        assertArrayEquals(plain, logits(model, ZeroedExperts.of(model, 2, false), WorkerReplicas.FIRST), "replica 0");
        assertArrayEquals(zeroExperts, logits(model, ZeroedExperts.of(model, 2, false), worker -> 1), "replica 1");
    }
}
