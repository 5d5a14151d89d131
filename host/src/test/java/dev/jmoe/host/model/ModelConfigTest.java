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
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Config and weights from the test models' metadata and tensors (values per the testdata README). */
class ModelConfigTest {
    @TempDir
    Path dir;

    @Test
    void qwen3moeShape() {
        ModelConfig c = ModelConfig.from(GgufModel.open(TestData.model("qwen3moe-a-q4_k_m")));
        assertEquals(new ModelConfig(Architecture.QWEN3MOE, 2, 256, 4, 2, 64, 64, 64, 1e6f, 1e-6f, 8, 2, 256, 256, 4096, 4096), c);
    }

    @Test
    void mixtralIsLlamaWithExpertsAndItsVocabularyFromTheMetadata() {
        ModelConfig c = ModelConfig.from(GgufModel.open(TestData.model("mixtral-a-f32")));
        assertEquals(new ModelConfig(Architecture.LLAMA, 2, 256, 4, 2, 64, 64, 64, 10000f, 1e-6f, 4, 2, 256, 256, 4096, 4096), c);
        assertEquals(RopeStyle.ADJACENT_PAIRS, c.arch().rope);
    }

    @Test
    void deepseek2IsNamedAsNotSupportedYet() {
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> ModelConfig.from(GgufModel.open(TestData.model("ds2-a-f32"))));
        assertEquals("architecture deepseek2 is not supported yet (supported: llama, qwen3, qwen3moe)", e.getMessage());
        assertEquals("architecture gpt2 is not supported (supported: llama, qwen3, qwen3moe)",
                assertThrows(UnsupportedModelException.class, () -> Architecture.of("gpt2")).getMessage());
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
                    () -> ModelWeights.load(model, c, data, Placement.allCpu(model)));
            assertEquals("tensor blk.1.ffn_up_exps.weight has type IQ2_XXS, which has no CPU kernel "
                    + "(supported: F32, F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, BF16)", e.getMessage());
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
            Exception e = assertThrows(RuntimeException.class, () -> ModelWeights.load(model, c, data, Placement.allCpu(model)));
            assertEquals(bad + ": tensor 'blk.0.attn_q.weight' has shape [256,256], the metadata implies [256,512]", e.getMessage());
        }
    }
}
