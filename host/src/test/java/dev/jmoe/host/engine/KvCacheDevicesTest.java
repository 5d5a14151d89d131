package dev.jmoe.host.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmoe.host.TestData;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.model.Device;
import dev.jmoe.host.model.ModelConfig;
import dev.jmoe.host.numa.PlacementPlan;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each layer's cache carries the device the placement put it on (a GPU backend attends there); rows stay on the host. */
class KvCacheDevicesTest {

    @ParameterizedTest
    @ValueSource(strings = {"qwen3moe-a-f32", "ds2-a-f32"})
    void layersCarryTheirDevice(String model) {
        ModelConfig c = ModelConfig.from(GgufModel.open(TestData.model(model)));
        int split = c.layers() / 2;
        KvCache cache = new KvCache(c, 16, CacheType.F16, CacheType.F16, PlacementPlan.THREAD_POLICY,
                il -> il >= split ? Device.cuda(0) : Device.CPU);
        for (int il = 0; il < c.layers(); il++) {
            assertEquals(il >= split ? Device.cuda(0) : Device.CPU, cache.layer(il).device(), "layer " + il);
        }
        assertEquals(c.mla() != null, cache.layer(0).sharesRows(), "latent attention shares its rows");
        KvCache host = new KvCache(c, 16, CacheType.F16, CacheType.F16, PlacementPlan.THREAD_POLICY);
        for (int il = 0; il < c.layers(); il++) assertTrue(host.layer(il).device().isCpu());
    }
}
