package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The test models hold the same seeded weights in several quantizations: every quantized tensor,
 * dequantized by the scalar reference, must match its F32 source within that type's quantization error.
 * A wrong bit position or scale gives errors of the order of the values themselves, far outside these bounds.
 */
class GoldenDequantTest {

    @ParameterizedTest
    @CsvSource({
        "qwen3moe-a-f32, qwen3moe-a-q8_0",
        "qwen3moe-a-f32, qwen3moe-a-q4_0",
        "qwen3moe-a-f32, qwen3moe-a-q4_k_m",
        "qwen3moe-a-f32, qwen3moe-a-q6_k",
        "mixtral-a-f32, mixtral-a-q4_k_m",
        "ds2-a-f32, ds2-a-q4_k_m",
    })
    void quantizedTensorsMatchTheirF32Source(String source, String quantized) {
        Map<GgmlType, Integer> checked = new EnumMap<>(GgmlType.class);
        try (GoldenTensors f32 = new GoldenTensors(source); GoldenTensors q = new GoldenTensors(quantized)) {
            for (GoldenTensors.Entry e : q.tensors.values()) {
                if (e.type() == GgmlType.F32) continue;
                GoldenTensors.Entry ref = f32.tensors.get(e.name());
                if (ref == null || ref.type() != GgmlType.F32) fail(e.name() + " has no F32 source in " + source);
                float[] want = f32.dequantize(ref);
                float[] got = q.dequantize(e);
                QuantError.check(e, q.file, want, got);
                checked.merge(e.type(), 1, Integer::sum);
            }
        }
        assertTrue(checked.size() > 0, "no quantized tensors in " + quantized);
        System.out.println(quantized + ": checked " + checked);
    }
}
