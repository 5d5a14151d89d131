package dev.jmoe.host.model;

import dev.jmoe.host.TestData;
import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufValue;
import dev.jmoe.host.gguf.TensorDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Config and weights from the test models' metadata and tensors (values per the testdata README). */
class ModelConfigTest {
    @TempDir
    Path dir;

    @Test
    void qwen3moeShape() {
        ModelConfig c = ModelConfig.from(GgufModel.open(TestData.model("qwen3moe-a-q4_k_m")));
        assertEquals(new ModelConfig(Architecture.QWEN3MOE, 2, 256, 4, 2, 64, 64, 64, 1e6f, 1e-6f, 256, 4096, 4096,
                new MoeShape(8, 256, 0, 0, RouterSpec.softmaxTopK(2)), null, null), c);
    }

    @Test
    void mixtralIsLlamaWithExpertsAndItsVocabularyFromTheMetadata() {
        ModelConfig c = ModelConfig.from(GgufModel.open(TestData.model("mixtral-a-f32")));
        assertEquals(new ModelConfig(Architecture.LLAMA, 2, 256, 4, 2, 64, 64, 64, 10000f, 1e-6f, 256, 4096, 4096,
                new MoeShape(4, 256, 0, 0, RouterSpec.softmaxTopK(2)), null, null), c);
        assertEquals(RopeStyle.ADJACENT_PAIRS, c.arch().rope);
    }

    /** The testdata README's table: 3 layers (1 dense), 4 MLA heads, q_lora 128, kv_lora 512, 128+64 keys, 128 values. */
    @Test
    void deepseek2Shape() {
        ModelConfig c = ModelConfig.from(GgufModel.open(TestData.model("ds2-a-f32")));
        assertEquals(new ModelConfig(Architecture.DEEPSEEK2, 3, 256, 4, 4, 192, 128, 64, 10000f, 1e-6f, 512, 4096, 2048,
                new MoeShape(8, 128, 1, 1, new RouterSpec(RouterSpec.Gating.SIGMOID, 2, true, 2.5f, 1, 1)),
                new LatentAttentionShape(128, 512, 128, 64, 128), null), c);
        assertEquals(576, c.kDim());
        assertFalse(c.isMoeLayer(0));
        assertTrue(c.isMoeLayer(1));
    }

    @Test
    void unknownArchitectureIsNamedWithTheSupportedOnes() {
        assertEquals("architecture gpt2 is not supported (supported: llama, qwen3, qwen3moe, deepseek2)",
                assertThrows(UnsupportedModelException.class, () -> Architecture.of("gpt2")).getMessage());
    }

    @Test
    void yarnIsReadForDeepseek2AndRefusedElsewhere() {
        Path yarn = dir.resolve("yarn.gguf");
        ModelRewrite.rewrite(TestData.model("ds2-a-q4_k_m"), yarn, md -> {
            md.put("deepseek2.rope.scaling.type", new GgufValue.Str("yarn"));
            md.put("deepseek2.rope.scaling.factor", new GgufValue.Float32(40f));
            md.put("deepseek2.rope.scaling.original_context_length", new GgufValue.UInt32(4096));
            md.put("deepseek2.rope.scaling.yarn_log_multiplier", new GgufValue.Float32(0.1f));
        }, (t, w) -> w.same(t));
        assertEquals(new RopeScaling(40f, 4096, 0.1f), ModelConfig.from(GgufModel.open(yarn)).ropeScaling());
        Path qwen = dir.resolve("qwen-yarn.gguf");
        ModelRewrite.rewrite(TestData.model("qwen3moe-a-q8_0"), qwen,
                md -> md.put("qwen3moe.rope.scaling.type", new GgufValue.Str("yarn")), (t, w) -> w.same(t));
        assertEquals("qwen3moe.rope.scaling.type yarn is not supported for qwen3moe (supported: yarn for deepseek2)",
                assertThrows(UnsupportedModelException.class, () -> ModelConfig.from(GgufModel.open(qwen))).getMessage());
    }

    @Test
    void aTensorTypeWithoutKernelIsNamedWithItsTensor() {
        Path bad = dir.resolve("iq2.gguf");
        ModelRewrite.rewrite(TestData.model("qwen3moe-a-q8_0"), bad, md -> {}, (t, w) -> {
            if (!t.name().equals("blk.1.ffn_up_exps.weight")) {
                w.same(t);
                return;
            }
            long elements = t.elementCount();
            w.put(t.name(), GgmlType.IQ2_XXS, t.shape(), MemorySegment.ofArray(new byte[(int) GgmlType.IQ2_XXS.bytesFor(elements)]));
        });
        GgufModel model = GgufModel.open(bad);
        ModelConfig c = ModelConfig.from(model);
        try (TensorDataSource data = TensorDataSource.open(model)) {
            UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                    () -> ModelWeights.load(model, c, data));
            assertEquals("tensor blk.1.ffn_up_exps.weight has type IQ2_XXS, which has no CPU kernel "
                    + "(supported: F32, F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_NL, IQ4_XS, BF16)", e.getMessage());
        }
    }

    @Test
    void aTensorWithTheWrongShapeIsNamed() {
        Path bad = dir.resolve("heads.gguf");
        ModelRewrite.rewrite(TestData.model("qwen3moe-a-q8_0"), bad,
                md -> md.put("qwen3moe.attention.head_count", new GgufValue.UInt32(8)), (t, w) -> w.same(t));
        GgufModel model = GgufModel.open(bad);
        ModelConfig c = ModelConfig.from(model);
        try (TensorDataSource data = TensorDataSource.open(model)) {
            Exception e = assertThrows(RuntimeException.class, () -> ModelWeights.load(model, c, data));
            assertEquals(bad + ": tensor 'blk.0.attn_q.weight' has shape [256,256], the metadata implies [256,512]", e.getMessage());
        }
    }
}
