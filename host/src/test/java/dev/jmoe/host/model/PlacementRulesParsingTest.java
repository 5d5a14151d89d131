package dev.jmoe.host.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The values of -ngl and -ot as llama.cpp spells them, and the one-line errors for the rest. */
class PlacementRulesParsingTest {

    @Test
    void nglTakesCountsAutoAllAndLlamaCppsMinusOne() {
        assertEquals(GpuLayers.of(7), GpuLayers.parse("7"));
        assertEquals(GpuLayers.NONE, GpuLayers.parse("0"));
        assertEquals(GpuLayers.AUTO, GpuLayers.parse("auto"));
        assertEquals(GpuLayers.AUTO, GpuLayers.parse("-1"));
        assertEquals(GpuLayers.ALL, GpuLayers.parse("ALL"));
        assertFalse(GpuLayers.NONE.wantsGpu());
        assertTrue(GpuLayers.AUTO.wantsGpu());
    }

    @Test
    void nglRejectsOtherNegativesAndWords() {
        for (String bad : List.of("-3", "-2", "many", "", "1.5")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GpuLayers.parse(bad));
            assertEquals("'" + bad + "' is not a layer count (expected a number >= 0, auto or all)", e.getMessage());
        }
    }

    @Test
    void overrideListsSplitOnCommasAndBufferNamesIgnoreCase() {
        List<TensorOverride> rules = TensorOverride.parseList("exps=cpu,blk\\.[0-3]\\.=Cuda1");
        assertEquals(2, rules.size());
        assertEquals(Device.CPU, rules.get(0).device());
        assertEquals(Device.cuda(1), rules.get(1).device());
        assertTrue(rules.get(1).matches("blk.2.attn_q.weight"));
        assertFalse(rules.get(1).matches("blk.4.attn_q.weight"));
        assertEquals("-ot exps=cpu", rules.get(0).source());
    }

    @Test
    void anEqualsSignInsideThePatternStaysInThePattern() {
        TensorOverride r = TensorOverride.parseList("blk(?=\\.1\\.)=CPU").getFirst();
        assertTrue(r.matches("blk.1.attn_q.weight"));
        assertFalse(r.matches("blk.2.attn_q.weight"));
    }

    @Test
    void badOverridesSayWhatIsWrong() {
        assertEquals("'exps' has no '=BUFFER' (expected PATTERN=CPU or PATTERN=CUDA0)",
                assertThrows(IllegalArgumentException.class, () -> TensorOverride.parseList("exps")).getMessage());
        assertEquals("'=CPU' has an empty tensor name pattern",
                assertThrows(IllegalArgumentException.class, () -> TensorOverride.parseList("=CPU")).getMessage());
        assertEquals("unknown buffer type 'GPU' (expected CPU or CUDA0, CUDA1, ...)",
                assertThrows(IllegalArgumentException.class, () -> TensorOverride.parseList("exps=GPU")).getMessage());
        String regex = assertThrows(IllegalArgumentException.class, () -> TensorOverride.parseList("blk.[0-=CPU")).getMessage();
        assertTrue(regex.startsWith("'blk.[0-' is not a valid regular expression: "), regex);
    }

    @Test
    void nCpuMoeIsOneRulePerLayerAndRejectsNegatives() {
        assertEquals(3, TensorOverride.nCpuMoe(3).size());
        assertTrue(TensorOverride.nCpuMoe(0).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> TensorOverride.nCpuMoe(-1));
    }

    @Test
    void rulesWantAGpuUnlessNglIsZeroAndNoOverrideNamesOne() {
        assertTrue(PlacementRules.defaults().wantsGpu());
        assertFalse(PlacementRules.cpuOnly().wantsGpu());
        PlacementRules ngl0WithGpuRule = new PlacementRules(GpuLayers.NONE, TensorOverride.parseList("attn=CUDA0"), 0);
        assertTrue(ngl0WithGpuRule.wantsGpu());
        PlacementRules ngl0WithCpuRule = new PlacementRules(GpuLayers.NONE, List.of(TensorOverride.cpuMoe()), 0);
        assertFalse(ngl0WithCpuRule.wantsGpu());
    }
}
