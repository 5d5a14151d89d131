package dev.jmoe.host.engine;

import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffloadRuleTest {

    @Test
    void fixedThresholdComparesBatchTimesUsedWithThresholdTimesExperts() {
        OffloadRule rule = OffloadRule.fixed(32);
        // Qwen3-30B-A3B: 128 experts, 8 used. 32 × 128 = 4096 = 512 × 8: the GPU from 512 tokens.
        assertFalse(rule.onGpu(511, 8, 128));
        assertTrue(rule.onGpu(512, 8, 128));
        assertEquals(512, rule.smallestGpuBatch(8, 128));
        // Mixtral: 8 experts, 2 used: 32 × 8 = 256 = 128 × 2.
        assertFalse(rule.onGpu(127, 2, 8));
        assertTrue(rule.onGpu(128, 2, 8));
        // 7 × 3 = 21 over 2 ⇒ ⌈10.5⌉ = 11
        assertEquals(11, OffloadRule.fixed(3).smallestGpuBatch(2, 7));
    }

    @Test
    void noOverflowForHugeBatches() {
        assertTrue(OffloadRule.fixed(1 << 30).onGpu(Integer.MAX_VALUE, 256, 256));
    }

    @Test
    void autoWithEveryExpertAlwaysUsedIsUploadOverCpuTime() {
        // 8 of 8 experts used: every batch uploads the whole layer, 8 × 1e6 B at 1e9 B/s = 8 ms.
        // CPU 0.1 ms/token, GPU time not measured: 8 / 0.1 = 80 tokens; T = ⌈80 · 8 / 8⌉ = 80.
        OffloadRule rule = OffloadRule.fromCosts(new OffloadCosts(1_000_000, 8, 8, 1e9, 1e-4, 0));
        assertEquals(80, rule.threshold());
        assertFalse(rule.onGpu(79, 8, 8));
        assertTrue(rule.onGpu(80, 8, 8));
        assertTrue(rule.reason().contains("GPU from 80 tokens") && rule.reason().contains("--offload-batch-size 80"), rule.reason());
    }

    @Test
    void autoCountsOnlyTheExpertsSmallBatchesReach() {
        // 4 experts, 2 used, 1 ms to upload one. Distinct experts expected 4·(1 − ½^B):
        // B=1: 2 (upload 2 ms > CPU 1 ms), B=2: 3 (3 > 2), B=3: 3.5 (3.5 > 3), B=4: 3.75 ≤ 4 ⇒ B* = 4, T = ⌈4·2/4⌉ = 2.
        OffloadRule rule = OffloadRule.fromCosts(new OffloadCosts(1_000_000, 4, 2, 1e9, 1e-3, 0));
        assertEquals(2, rule.threshold());
        assertTrue(rule.reason().contains("GPU from 4 tokens"), rule.reason());
        assertTrue(rule.reason().contains("3.8 MB"), rule.reason()); // 3.75 experts of 1 MB at the crossover
    }

    @Test
    void autoRoundsTheThresholdUpSoTheGpuNeverStartsBeforeTheCrossover() {
        // 128 experts × 1e6 B at 1e10 B/s = 12.8 ms for the whole layer (reached long before B = 1164:
        // (15/16)^1164 ≈ 1e-33). CPU 0.011 ms/token: B* = ⌈12.8 / 0.011⌉ = ⌈1163.6⌉ = 1164; T = ⌈1164·8/128⌉ = ⌈72.75⌉ = 73.
        OffloadRule rule = OffloadRule.fromCosts(new OffloadCosts(1_000_000, 128, 8, 1e10, 1.1e-5, 0));
        assertEquals(73, rule.threshold());
        assertEquals(1168, rule.smallestGpuBatch(8, 128)); // 73·128/8
    }

    @Test
    void autoSubtractsTheGpuTimePerToken() {
        // As the first case, but the GPU needs 0.05 ms/token of its own: 8 ms / (0.1 − 0.05) = 160 tokens.
        assertEquals(160, OffloadRule.fromCosts(new OffloadCosts(1_000_000, 8, 8, 1e9, 1e-4, 5e-5)).threshold());
    }

    @Test
    void autoKeepsLayersOnTheCpuWhenTheGpuIsNotFasterPerToken() {
        OffloadRule rule = OffloadRule.fromCosts(new OffloadCosts(1_000_000, 8, 2, 1e9, 1e-4, 1e-4));
        assertFalse(rule.onGpu(Integer.MAX_VALUE, 8, 8));
        assertTrue(rule.reason().contains("stay on the CPU"), rule.reason());
    }

    @Test
    void flagParsesNumbersAndAutoAndMeasuresOnlyForAuto() {
        Supplier<OffloadCosts> mustNotMeasure = () -> {
            throw new AssertionError("a fixed threshold measured costs");
        };
        assertEquals(32, OffloadBatchSize.DEFAULT.rule(mustNotMeasure).threshold());
        assertEquals(7, OffloadBatchSize.parse("7").rule(mustNotMeasure).threshold());
        OffloadBatchSize auto = OffloadBatchSize.parse(" AUTO ");
        assertEquals(80, auto.rule(() -> new OffloadCosts(1_000_000, 8, 8, 1e9, 1e-4, 0)).threshold());
        for (String bad : new String[] {"0", "-3", "many", "1.5", ""}) {
            var e = assertThrows(IllegalArgumentException.class, () -> OffloadBatchSize.parse(bad));
            assertTrue(e.getMessage().startsWith("--offload-batch-size: '" + bad + "'"), e.getMessage());
        }
    }
}
