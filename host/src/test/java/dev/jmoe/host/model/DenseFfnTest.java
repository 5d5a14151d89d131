package dev.jmoe.host.model;

import dev.jmoe.host.TestData;
import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.EngineOptions;
import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.gguf.GgufValue;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The dense variants (llama, qwen3) through the same forward pass: a test model cut to its expert 0 as a
 * dense FFN must give the logits of the same model as a MoE with that one expert (routing weight 1), the
 * MoE path being the one checked against the reference's logits.
 */
class DenseFfnTest {
    private static final int[] TOKENS = {1, 450, 439, 860, 3347, 113, 1701, 123};

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"mixtral-a-q4_k_m, llama, llama", "qwen3moe-a-q8_0, qwen3moe, qwen3"})
    void denseFfnEqualsAOneExpertMoe(String source, String arch, String denseArch) {
        Path moe = dir.resolve("one-expert.gguf"), dense = dir.resolve("dense.gguf");
        ModelRewrite.rewrite(TestData.model(source), moe, md -> {
            md.put(arch + ".expert_count", new GgufValue.UInt32(1));
            md.put(arch + ".expert_used_count", new GgufValue.UInt32(1));
        }, (t, w) -> {
            if (t.name().endsWith("ffn_gate_inp.weight")) w.put(t.name(), t.type(), new long[] {t.dim(0), 1}, w.data().asSlice(0, t.type().bytesFor(t.dim(0))));
            else if (t.isExpert()) w.put(t.name(), t.type(), new long[] {t.dim(0), t.dim(1), 1}, firstExpert(t, w));
            else w.same(t);
        });
        ModelRewrite.rewrite(TestData.model(source), dense, md -> renameForDense(md, arch, denseArch), (t, w) -> {
            if (t.name().endsWith("ffn_gate_inp.weight")) return;
            if (t.isExpert()) w.put(t.name().replace("_exps", ""), t.type(), new long[] {t.dim(0), t.dim(1)}, firstExpert(t, w));
            else w.same(t);
        });
        assertArrayEquals(logits(moe), logits(dense));
    }

    private static java.lang.foreign.MemorySegment firstExpert(GgufTensorInfo t, ModelRewrite.TensorWriter w) {
        return w.data().asSlice(0, t.type().bytesFor(t.dim(0) * t.dim(1)));
    }

    /** The dense architecture's keys: the same values under its own prefix, without the expert keys. */
    private static void renameForDense(Map<String, GgufValue> md, String arch, String denseArch) {
        Map<String, GgufValue> copy = new java.util.LinkedHashMap<>(md);
        md.clear();
        copy.forEach((k, v) -> {
            if (k.startsWith(arch + ".expert")) return;
            if (k.equals("general.architecture")) v = new GgufValue.Str(denseArch);
            md.put(k.startsWith(arch + ".") ? denseArch + k.substring(arch.length()) : k, v);
        });
        md.putIfAbsent(denseArch + ".feed_forward_length", new GgufValue.UInt32(256));
    }

    private static float[] logits(Path model) {
        try (Engine e = Engine.load(model, EngineOptions.defaults(2).withContext(16))) {
            return e.newSession().evaluateAll(TOKENS);
        }
    }
}
