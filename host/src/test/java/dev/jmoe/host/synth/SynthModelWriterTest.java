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
