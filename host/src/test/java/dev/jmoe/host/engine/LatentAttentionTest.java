package dev.jmoe.host.engine;

import dev.jmoe.host.TestData;
import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.gguf.GgufValue;
import dev.jmoe.host.model.ModelRewrite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DeepSeek's latent attention: both published tensor layouts, and a cache in the compressed form. */
class LatentAttentionTest {
    private static final int HEADS = 4, NOPE = 128, VALUE = 128, LORA = 512;

    @TempDir
    Path dir;

    /**
     * The newer layout (per head attn_k_b = k_nopeᵀ, attn_v_b = v, one kv head, key/value lengths of the
     * absorbed form with the per-head ones under *_mla), made from ds2-a-f32's attn_kv_b by hand, gives the
     * reference's logits for the original file.
     */
    @Test
    void splitKvBLayoutMatchesTheGoldenLogits() throws Exception {
        Path split = dir.resolve("ds2-split.gguf");
        ModelRewrite.rewrite(TestData.model("ds2-a-f32"), split, md -> {
            md.put("deepseek2.attention.head_count_kv", new GgufValue.UInt32(1));
            md.put("deepseek2.attention.key_length", new GgufValue.UInt32(LORA + 64));
            md.put("deepseek2.attention.value_length", new GgufValue.UInt32(LORA));
            md.put("deepseek2.attention.key_length_mla", new GgufValue.UInt32(NOPE + 64));
            md.put("deepseek2.attention.value_length_mla", new GgufValue.UInt32(VALUE));
        }, (t, w) -> {
            if (t.name().endsWith("attn_kv_b.weight")) splitKvB(t, w);
            else w.same(t);
        });
        GoldenLogits golden = GoldenLogits.of("ds2-a-f32");
        try (Engine engine = Engine.load(split, EngineOptions.defaults(2).withContext(64))) {
            GoldenLogits.Agreement a = golden.compare(engine.newSession().evaluateAll(golden.tokens()));
            assertTrue(a.worst() <= 0.01f, a.toString());
        }
    }

    /** kv_b rows per head: NOPE key rows then VALUE value rows, LORA columns each (F32 in this model). */
    private static void splitKvB(GgufTensorInfo t, ModelRewrite.TensorWriter w) {
        String layer = t.name().substring(0, t.name().indexOf("attn_kv_b"));
        MemorySegment kb = MemorySegment.ofArray(new byte[4 * HEADS * NOPE * LORA]);
        MemorySegment vb = MemorySegment.ofArray(new byte[4 * HEADS * VALUE * LORA]);
        for (int h = 0; h < HEADS; h++) {
            for (int i = 0; i < NOPE; i++) {
                for (int j = 0; j < LORA; j++) {
                    float x = w.data().get(ValueLayout.JAVA_FLOAT_UNALIGNED, 4L * ((long) (h * (NOPE + VALUE) + i) * LORA + j));
                    kb.set(ValueLayout.JAVA_FLOAT_UNALIGNED, 4L * (((long) h * LORA + j) * NOPE + i), x);
                }
            }
            MemorySegment.copy(w.data(), 4L * (h * (NOPE + VALUE) + NOPE) * LORA, vb, 4L * h * VALUE * LORA, 4L * VALUE * LORA);
        }
        w.put(layer + "attn_k_b.weight", GgmlType.F32, new long[] {NOPE, LORA, HEADS}, kb);
        w.put(layer + "attn_v_b.weight", GgmlType.F32, new long[] {LORA, VALUE, HEADS}, vb);
    }

    /** The load log's cache line: (kv_lora + rope) values per token and layer, as the issue asks. */
    @Test
    void cacheIsDescribedInItsCompressedSize() {
        var c = dev.jmoe.host.model.ModelConfig.from(dev.jmoe.host.gguf.GgufModel.open(TestData.model("ds2-a-f32")));
        // 576 f16 values × 3 layers × 1024 positions = 3,538,944 bytes = 3.375 MiB.
        assertEquals("kv cache: latent 576 values per token and layer (kv_lora 512 + rope 64), f16, 3.4 MiB for 1024 positions",
                KvCache.describe(c, 1024, CacheType.F16, CacheType.F16));
    }

    /**
     * Decoding token by token reads the compressed cache the batch wrote: the same logits either way (up to
     * the tiles' rounding) at nine positions in ten, the golden tests' bar. A position may flip: at position
     * 30 of this prompt the batch is 2.71 from the golden logits, an AVX-512 decode (16-lane sums) 0.15 and
     * an AVX2 decode 2.74, a near tie that the rounding of the sums decides. Miswiring moves every position.
     */
    @Test
    void decodeOverTheCompressedCacheEqualsTheBatch() throws Exception {
        int[] tokens = GoldenLogits.of("ds2-a-q4_k_m").tokens();
        try (Engine engine = Engine.load(TestData.model("ds2-a-q4_k_m"), EngineOptions.defaults(2).withContext(64))) {
            float[] batch = engine.newSession().evaluateAll(tokens);
            Session s = engine.newSession();
            int vocab = s.vocabSize();
            java.util.List<String> apart = new java.util.ArrayList<>();
            for (int t = 0; t < tokens.length; t++) {
                float[] one = s.evaluate(new int[] {tokens[t]});
                double worst = 0;
                for (int i = 0; i < vocab; i++) worst = Math.max(worst, Math.abs(batch[t * vocab + i] - one[i]));
                if (worst > SessionTest.BATCH_TOLERANCE) apart.add("position " + t + ": " + worst);
            }
            assertTrue(apart.size() <= tokens.length / 10, "decode and batch apart beyond " + SessionTest.BATCH_TOLERANCE + " at " + apart);
            assertEquals(tokens.length, s.position());
        }
    }
}
