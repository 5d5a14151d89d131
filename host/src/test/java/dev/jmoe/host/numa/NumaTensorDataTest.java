package dev.jmoe.host.numa;

import dev.jmoe.host.TestData;
import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.EngineOptions;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.gguf.TensorDataSource;
import dev.jmoe.host.mem.LoadOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code --numa} through the engine's load: the tensors come from where the placement put them (anonymous
 * memory for the placing modes, the file mapping for off and numactl, as /proc/self/maps says) and the
 * engine computes the same logits, bit for bit, as from the plain load.
 */
class NumaTensorDataTest {
    private static final String MODEL = "qwen3moe-a-q4_k_m";

    private static EngineOptions options(NumaOptions numa) {
        return EngineOptions.defaults(2).withContext(64).withLoad(LoadOptions.defaults().withNuma(numa));
    }

    private static float[] logits(EngineOptions options, int[] tokens) {
        try (Engine engine = Engine.load(TestData.model(MODEL), options)) {
            return engine.newSession().evaluateAll(tokens);
        }
    }

    @ParameterizedTest
    @EnumSource(NumaMode.class)
    void everyModeGivesTheLogitsOfThePlainLoad(NumaMode mode) {
        int[] tokens = {1, 17, 230, 4, 99, 512, 8, 3};
        assertArrayEquals(logits(options(null), tokens), logits(options(NumaOptions.of(mode)), tokens), mode.flag());
    }

    @ParameterizedTest
    @EnumSource(NumaMode.class)
    void placingModesServeAnonymousCopiesTheOthersTheFile(NumaMode mode) throws IOException {
        GgufModel model = GgufModel.open(TestData.model(MODEL));
        GgufTensorInfo expert = model.tensors().stream().filter(GgufTensorInfo::isExpert).findFirst().orElseThrow();
        try (TensorDataSource data = NumaTensorData.open(model, LoadOptions.defaults().withNuma(NumaOptions.of(mode)));
             TensorDataSource plain = TensorDataSource.open(model)) {
            long address = data.segment(expert).address();
            String mapped = mappingOf(address).orElseThrow(() -> new AssertionError("no mapping holds " + Long.toHexString(address)));
            boolean copies = mode == NumaMode.DISTRIBUTE || mode == NumaMode.ISOLATE || mode == NumaMode.MIRROR;
            assertEquals(copies ? "" : TestData.model(MODEL).toRealPath().toString(), mapped, mode.flag() + " at " + Long.toHexString(address));
            assertArrayEquals(plain.segment(expert).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                    data.segment(expert).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
    }

    /** The path of the mapping that holds {@code address} ("" for anonymous memory), from /proc/self/maps. */
    private static Optional<String> mappingOf(long address) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] f = line.split("\\s+", 6);
            String[] range = f[0].split("-");
            long start = HexFormat.fromHexDigitsToLong(range[0]), end = HexFormat.fromHexDigitsToLong(range[1]);
            if (Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0) {
                return Optional.of(f.length > 5 ? f[5].strip() : "");
            }
        }
        return Optional.empty();
    }
}
