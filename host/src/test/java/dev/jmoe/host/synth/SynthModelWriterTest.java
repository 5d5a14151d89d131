package dev.jmoe.host.synth;

import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.EngineOptions;
import dev.jmoe.host.engine.Session;
import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.model.Architecture;
import dev.jmoe.host.model.ModelConfig;
import dev.jmoe.host.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SynthModelWriterTest {
    @TempDir
    Path dir;

    /** embd 256, 3 layers, 4 experts of ff 256 (2 used), 4 heads of 64 sharing 2 kv heads, vocab 300. */
    private static SynthSpec small(Architecture arch, SynthType type) {
        return new SynthSpec(arch, 256, 3, 4, 2, 256, 4, 2, 64, 300, 128, type, 7);
    }

    @Test
    void loadsInTheEngineAndGivesFiniteLogits() {
        for (SynthType type : SynthType.values()) {
            Path file = dir.resolve(type + ".gguf");
            SynthModelWriter.write(small(Architecture.QWEN3MOE, type), file);
            try (Engine engine = Engine.load(file, EngineOptions.defaults(1).withContext(64))) {
                ModelConfig c = engine.config();
                assertEquals(Architecture.QWEN3MOE, c.arch());
                assertEquals(256, c.embd());
                assertEquals(4, c.experts());
                assertEquals(2, c.expertsUsed());
                assertEquals(256, c.expertFf());
                assertEquals(300, c.vocab());
                Session s = engine.newSession();
                float[] logits = s.evaluate(new int[] {1, 2, 3, 200, 299});
                assertEquals(300, logits.length);
                double spread = 0;
                for (float v : logits) {
                    assertTrue(Float.isFinite(v), type + ": logit " + v);
                    spread = Math.max(spread, Math.abs(v - logits[0]));
                }
                assertTrue(spread > 0, type + ": all logits equal");
            }
        }
    }

    /**
     * DeepSeek-V3's shape with its width cut down (the latent ranks, head sizes, groups, routing rule and YaRN
     * kept): the engine reads back what was written, and the tensors have the shapes of the published files.
     */
    @Test
    void deepseekV3ShapeLoadsWithItsLatentAttentionAndRouting() {
        SynthPreset v3 = SynthPreset.DEEPSEEK_V3;
        SynthSpec spec = new SynthSpec(Architecture.DEEPSEEK2, 256, 4, 16, v3.expertsUsed, 64, 4, 4, v3.headDim, 512, 4096,
                SynthType.Q4_K_M, 3, v3.latent.withDense(3, 256));
        Path file = dir.resolve("v3.gguf");
        SynthModelWriter.write(spec, file);
        GgufModel model = GgufModel.open(file);
        assertEquals("1536,768", model.tensor("blk.0.attn_q_b.weight").shapeText());
        assertEquals("256,576", model.tensor("blk.0.attn_kv_a_mqa.weight").shapeText());
        assertEquals("512,1024", model.tensor("blk.0.attn_kv_b.weight").shapeText());
        assertEquals("256,256", model.tensor("blk.2.ffn_gate.weight").shapeText());
        assertEquals("256,64,16", model.tensor("blk.3.ffn_gate_exps.weight").shapeText());
        assertEquals("16", model.tensor("blk.3.exp_probs_b.bias").shapeText());
        assertEquals("256,64", model.tensor("blk.3.ffn_up_shexp.weight").shapeText());
        try (Engine engine = Engine.load(file, EngineOptions.defaults(1).withContext(64))) {
            ModelConfig c = engine.config();
            assertEquals(new dev.jmoe.host.model.LatentAttentionShape(1536, 512, 128, 64, 128), c.mla());
            assertEquals(new dev.jmoe.host.model.RouterSpec(dev.jmoe.host.model.RouterSpec.Gating.SIGMOID, 8, true, 2.5f, 8, 4), c.moe().router());
            assertEquals(3, c.moe().leadingDense());
            assertEquals(new dev.jmoe.host.model.RopeScaling(40f, 4096, 0.1f), c.ropeScaling());
            float[] logits = engine.newSession().evaluate(new int[] {1, 2, 3, 300});
            for (float v : logits) assertTrue(Float.isFinite(v), "logit " + v);
        }
    }

    /** V2-Lite's differences: a plain attn_q, softmax gating without renormalising, two shared experts. */
    @Test
    void deepseekV2LiteShapeHasAPlainQueryAndSoftmaxRouting() {
        SynthPreset lite = SynthPreset.DEEPSEEK_V2_LITE;
        SynthSpec spec = new SynthSpec(Architecture.DEEPSEEK2, 256, 2, 8, lite.expertsUsed, 64, 4, 4, lite.headDim, 512, 4096,
                SynthType.Q8_0, 3, lite.latent.withDense(1, 256));
        Path file = dir.resolve("lite.gguf");
        SynthModelWriter.write(spec, file);
        GgufModel model = GgufModel.open(file);
        assertTrue(model.find("blk.0.attn_q_a.weight").isEmpty());
        assertEquals("256,768", model.tensor("blk.0.attn_q.weight").shapeText());
        assertEquals("256,128", model.tensor("blk.1.ffn_gate_shexp.weight").shapeText());
        try (Engine engine = Engine.load(file, EngineOptions.defaults(1).withContext(64))) {
            assertEquals(new dev.jmoe.host.model.RouterSpec(dev.jmoe.host.model.RouterSpec.Gating.SOFTMAX, 6, false, 1f, 1, 1),
                    engine.config().moe().router());
            float[] logits = engine.newSession().evaluate(new int[] {5, 6, 7});
            for (float v : logits) assertTrue(Float.isFinite(v), "logit " + v);
        }
    }

    @Test
    void mixtralStyleLlamaLoadsToo() {
        Path file = dir.resolve("llama.gguf");
        SynthModelWriter.write(small(Architecture.LLAMA, SynthType.Q8_0), file);
        try (Engine engine = Engine.load(file, EngineOptions.defaults(1).withContext(16))) {
            for (float v : engine.newSession().evaluate(new int[] {5, 6})) assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void expertTensorSizesFollowFromTheShape() {
        Path file = dir.resolve("q8.gguf");
        SynthModelWriter.Report report = SynthModelWriter.write(small(Architecture.QWEN3MOE, SynthType.Q8_0), file);
        GgufModel model = GgufModel.open(file);
        // 4 experts x 256 rows x 256 cols = 262144 values = 8192 Q8_0 blocks of 34 bytes
        for (String t : new String[] {"ffn_gate_exps", "ffn_up_exps", "ffn_down_exps"}) {
            var info = model.tensor("blk.1." + t + ".weight");
            assertEquals(GgmlType.Q8_0, info.type());
            assertEquals(8192L * 34, info.bytes());
        }
        assertEquals(3L * 3 * 8192 * 34, report.expertBytes());
        assertEquals(GgmlType.F32, model.tensor("blk.0.ffn_gate_inp.weight").type());
        assertTrue(report.fileBytes() > report.expertBytes());
    }

    @Test
    void q4KMediumMixesQ6KIntoTheReferenceRoles() {
        Path file = dir.resolve("q4km.gguf");
        // 8 layers: more bits for layer 0 (first eighth), 7 (last eighth) and 3, 6 (every third from the first eighth)
        SynthModelWriter.write(new SynthSpec(Architecture.QWEN3MOE, 256, 8, 2, 1, 256, 4, 2, 64, 300, 64, SynthType.Q4_K_M, 1), file);
        GgufModel model = GgufModel.open(file);
        assertEquals(GgmlType.Q6_K, model.tensor("output.weight").type());
        assertEquals(GgmlType.Q4_K, model.tensor("token_embd.weight").type());
        for (int layer = 0; layer < 8; layer++) {
            GgmlType expected = layer == 0 || layer == 3 || layer == 6 || layer == 7 ? GgmlType.Q6_K : GgmlType.Q4_K;
            assertEquals(expected, model.tensor("blk." + layer + ".ffn_down_exps.weight").type(), "layer " + layer);
            assertEquals(expected, model.tensor("blk." + layer + ".attn_v.weight").type(), "layer " + layer);
            assertEquals(GgmlType.Q4_K, model.tensor("blk." + layer + ".ffn_up_exps.weight").type());
        }
    }

    @Test
    void sameSeedSameBytes() throws Exception {
        Path a = dir.resolve("a.gguf"), b = dir.resolve("b.gguf");
        SynthModelWriter.write(small(Architecture.QWEN3MOE, SynthType.Q4_0), a);
        SynthModelWriter.write(small(Architecture.QWEN3MOE, SynthType.Q4_0), b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void vocabularyIsARealByteLevelBpe() {
        Path file = dir.resolve("v.gguf");
        SynthModelWriter.write(new SynthSpec(Architecture.QWEN3MOE, 256, 1, 2, 1, 256, 4, 2, 64, 257 + 256 * 'h' + 'i' + 1, 64, SynthType.Q8_0, 1), file);
        Tokenizer tok = Tokenizer.of(GgufModel.open(file));
        int hi = 257 + 256 * 'h' + 'i'; // the merged pair "hi"
        assertArrayEquals(new int[] {hi, '!'}, tok.encode("hi!", false, false));
        assertEquals("hi! é", tok.decode(tok.encode("hi! é", false, false)));
        assertEquals(256, tok.vocabulary().eos());
    }

    @Test
    void impossibleShapesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SynthSpec(Architecture.QWEN3MOE, 256, 1, 4, 5, 256, 4, 2, 64, 300, 64, SynthType.Q8_0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SynthSpec(Architecture.QWEN3MOE, 256, 1, 4, 2, 256, 4, 3, 64, 300, 64, SynthType.Q8_0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SynthSpec(Architecture.QWEN3MOE, 256, 1, 4, 2, 256, 4, 2, 64, 100, 64, SynthType.Q8_0, 1));
    }
}
