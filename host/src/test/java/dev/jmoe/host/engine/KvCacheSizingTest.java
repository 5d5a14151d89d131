package dev.jmoe.host.engine;

import dev.jmoe.host.model.Architecture;
import dev.jmoe.host.model.KvCacheSize;
import dev.jmoe.host.model.ModelConfig;
import dev.jmoe.host.model.MoeShape;
import dev.jmoe.host.model.RouterSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Cache bytes at ggml's sizes: f32 4, f16 2, q8_0 34 bytes per block of 32. */
class KvCacheSizingTest {
    // qwen3moe-a's shape: 4 heads, 2 kv heads x 64
    private static final ModelConfig QWEN = new ModelConfig(Architecture.QWEN3MOE, 2, 256, 4, 2, 64, 64, 64, 1e6f, 1e-6f,
            0, 4096, 4096, new MoeShape(8, 256, 0, 0, RouterSpec.softmaxTopK(2)), null, null);

    @Test
    void perLayerBytesFollowTheCacheTypes() {
        assertEquals(new KvCacheSize(4096L * 128 * 2 * 2, 4096, "f16/f16"), KvCacheSizing.of(QWEN, 4096, CacheType.F16, CacheType.F16));
        assertEquals(100L * (128 * 4 + 128 * 2), KvCacheSizing.of(QWEN, 100, CacheType.F32, CacheType.F16).bytesPerLayer());
        // 128 values = 4 blocks of 34 bytes
        assertEquals(10L * (4 * 34 + 4 * 34), KvCacheSizing.of(QWEN, 10, CacheType.Q8_0, CacheType.Q8_0).bytesPerLayer());
    }

    /** deepseek2: one latent row of kv_lora 512 + rope 64 values per position and layer, no value row. */
    @Test
    void latentCacheIsOneCompressedRow() {
        ModelConfig ds2 = ModelConfig.from(dev.jmoe.host.gguf.GgufModel.open(dev.jmoe.host.TestData.model("ds2-a-f32")));
        assertEquals(new KvCacheSize(1000L * 576 * 2, 1000, "f16"), KvCacheSizing.of(ds2, 1000, CacheType.F16, CacheType.F16));
    }
}
