package dev.jmoe.host.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The placement rules on the test models' real tensor lists (from the reference's tensors.tsv). Expected
 * bytes are summed by hand from those files; the arithmetic is in the comments.
 */
class DevicePlannerTest {
    private static final long GIB = 1L << 30;
    private static final long RESERVE = PlacementRules.DEFAULT_GPU_RESERVE;
    private static final Device CPU = Device.CPU;
    private static final Device CUDA0 = Device.cuda(0);
    private static final Device CUDA1 = Device.cuda(1);

    /** qwen3moe-a: 2 kv heads x 64 for keys and for values, f16, 4096 positions: 4096 x (128 + 128) x 2 B per layer. */
    private static final KvCacheSize QWEN_KV = new KvCacheSize(4096L * 256 * 2, 4096, "f16/f16");
    /**
     * qwen3moe-a-q4_k_m, the non-expert part of one layer: attn_norm 1024 + attn_q 36864 + attn_k 34816 + attn_v 34816
     * + attn_q_norm 256 + attn_k_norm 256 + attn_output 45056 + ffn_norm 1024 + ffn_gate_inp 8192.
     */
    private static final long QWEN_LAYER = 162_304;
    /** output_norm 1024 + output 860160. */
    private static final long QWEN_OUTPUT = 861_184;

    private static List<TensorSize> qwen() {
        return GoldenTensors.of("qwen3moe-a-q4_k_m");
    }

    private static List<TensorSize> ds2() {
        return GoldenTensors.of("ds2-a-q4_k_m");
    }

    private static List<GpuDevice> gpu(long freeBytes) {
        return List.of(new GpuDevice(0, "fixture", freeBytes));
    }

    private static PlacementRules rules(GpuLayers ngl, TensorOverride... overrides) {
        return new PlacementRules(ngl, List.of(overrides), RESERVE);
    }

    @Test
    void withoutGpuEverythingIsOnTheCpuWhateverTheRulesSay() {
        Placement p = DevicePlanner.plan(qwen(), 2, rules(GpuLayers.ALL, TensorOverride.parseList("exps=CUDA0").getFirst()), List.of(), QWEN_KV);
        assertFalse(p.usesGpu());
        assertEquals(3_680_256, p.weightBytes(CPU), "every byte of the model: the sum of the bytes column");
        assertEquals(2 * QWEN_KV.bytesPerLayer(), p.kvBytes(CPU));
    }

    @Test
    void autoPutsEveryNonExpertTensorOnTheGpuExceptTheInputEmbedding() {
        Placement p = DevicePlanner.plan(qwen(), 2, PlacementRules.defaults(), gpu(NO_ROOM_FOR_EXPERTS), QWEN_KV);
        assertEquals(3, p.offloadedLayers(), "both layers and the output");
        assertEquals(2 * QWEN_LAYER + QWEN_OUTPUT, p.weightBytes(CUDA0));
        // experts 3 x 294912 (layer 0) + 2 x 294912 + 430080 (layer 1); token_embd 589824
        assertEquals(1_904_640, p.bytes(CPU, TensorKind.EXPERTS));
        assertEquals(589_824, p.bytes(CPU, TensorKind.EMBEDDINGS_OUTPUT));
        assertEquals(1_904_640 + 589_824, p.weightBytes(CPU));
        assertEquals(CPU, p.deviceOf("blk.1.ffn_down_exps.weight"));
        assertEquals(CUDA0, p.deviceOf("blk.0.attn_q.weight"));
        assertEquals(CUDA0, p.deviceOf("output.weight"));
        assertEquals(CPU, p.deviceOf("token_embd.weight"));
        assertEquals(2 * QWEN_KV.bytesPerLayer(), p.kvBytes(CUDA0));
        assertEquals(0, p.kvBytes(CPU));
    }

    @Test
    void autoStopsAtTheLastLayerThatFitsBesideTheReserve() {
        long oneLayer = RESERVE + QWEN_LAYER + QWEN_KV.bytesPerLayer();
        Placement fits = DevicePlanner.plan(qwen(), 2, PlacementRules.defaults(), gpu(oneLayer), QWEN_KV);
        assertEquals(1, fits.offloadedLayers());
        assertEquals(QWEN_LAYER, fits.weightBytes(CUDA0), "the last layer goes first, as with -ngl 1");
        assertEquals(CUDA0, fits.deviceOf("blk.1.attn_q.weight"));
        assertEquals(CPU, fits.deviceOf("blk.0.attn_q.weight"));
        assertEquals(CPU, fits.deviceOf("output.weight"));
        assertEquals(QWEN_KV.bytesPerLayer(), fits.kvBytes(CUDA0));
        assertEquals(QWEN_KV.bytesPerLayer(), fits.kvBytes(CPU));
        assertEquals(oneLayer, fits.neededBytes(CUDA0));

        Placement byteShort = DevicePlanner.plan(qwen(), 2, PlacementRules.defaults(), gpu(oneLayer - 1), QWEN_KV);
        assertEquals(0, byteShort.offloadedLayers());
        assertEquals(0, byteShort.weightBytes(CUDA0));

        long twoLayers = RESERVE + 2 * (QWEN_LAYER + QWEN_KV.bytesPerLayer());
        assertEquals(2, DevicePlanner.plan(qwen(), 2, PlacementRules.defaults(), gpu(twoLayers + QWEN_OUTPUT - 1), QWEN_KV).offloadedLayers());
        assertEquals(3, DevicePlanner.plan(qwen(), 2, PlacementRules.defaults(), gpu(twoLayers + QWEN_OUTPUT), QWEN_KV).offloadedLayers());
    }

    @Test
    void nglCountsLayersFromTheLastAndTheOutputAsOneMoreAsLlamaCppDoes() {
        Placement one = DevicePlanner.plan(qwen(), 2, rules(GpuLayers.of(1)), gpu(24 * GIB), QWEN_KV);
        // whole layer 1, experts included: 162304 + 2 x 294912 + 430080
        assertEquals(1_182_208, one.weightBytes(CUDA0));
        assertEquals(CPU, one.deviceOf("output.weight"));
        Placement two = DevicePlanner.plan(qwen(), 2, rules(GpuLayers.of(2)), gpu(24 * GIB), QWEN_KV);
        assertEquals(CUDA0, two.deviceOf("blk.0.ffn_gate_exps.weight"));
        assertEquals(CPU, two.deviceOf("output_norm.weight"));
        for (GpuLayers n : List.of(GpuLayers.of(3), GpuLayers.of(99), GpuLayers.ALL)) {
            Placement all = DevicePlanner.plan(qwen(), 2, rules(n), gpu(24 * GIB), QWEN_KV);
            assertEquals(CUDA0, all.deviceOf("output.weight"), "-ngl " + n);
            assertEquals(CPU, all.deviceOf("token_embd.weight"), "-ngl " + n + ": the input layer stays on the host");
            assertEquals(3_680_256 - 589_824, all.weightBytes(CUDA0), "-ngl " + n);
        }
        Placement none = DevicePlanner.plan(qwen(), 2, rules(GpuLayers.NONE), gpu(24 * GIB), QWEN_KV);
        assertFalse(none.usesGpu());
    }

    @Test
    void tensorKindsOfADeepSeekLayoutOnTheGpu() {
        Placement p = DevicePlanner.plan(ds2(), 3, rules(GpuLayers.ALL), gpu(24 * GIB), KvCacheSize.UNKNOWN);
        // blk.1: 147456 + 147456 + 180224; blk.2: 147456 + 147456 + 278528
        assertEquals(1_048_576, p.bytes(CUDA0, TensorKind.EXPERTS));
        // blk.1: 18432 + 18432 + 22528; blk.2: 18432 + 18432 + 34816
        assertEquals(131_072, p.bytes(CUDA0, TensorKind.SHARED_EXPERTS));
        // per layer attn_q_a 18432 + attn_q_b 67584 + attn_kv_a_mqa 156672 + attn_kv_b 557056 + attn_output 90112, x 3
        assertEquals(2_669_568, p.bytes(CUDA0, TensorKind.ATTENTION));
        // blk.0 ffn_gate + ffn_up + ffn_down, 73728 each
        assertEquals(221_184, p.bytes(CUDA0, TensorKind.DENSE_FFN));
        // per layer attn_norm 1024 + attn_q_a_norm 512 + attn_kv_a_norm 2048 + ffn_norm 1024, x 3; ffn_gate_inp 8192 and
        // exp_probs_b 32 in blk.1 and blk.2; output_norm 1024
        assertEquals(31_296, p.bytes(CUDA0, TensorKind.NORMS_ROUTER));
        assertEquals(430_080, p.bytes(CUDA0, TensorKind.EMBEDDINGS_OUTPUT), "output.weight");
        assertEquals(294_912, p.bytes(CPU, TensorKind.EMBEDDINGS_OUTPUT), "token_embd.weight");
        assertEquals(294_912, p.weightBytes(CPU));
    }

    @Test
    void firstMatchingRuleWinsInCommandLineOrder() {
        TensorOverride oneUp = TensorOverride.parseList("blk\\.1\\.ffn_up_exps=CUDA0").getFirst();
        Placement upFirst = DevicePlanner.plan(qwen(), 2, rules(GpuLayers.ALL, oneUp, TensorOverride.cpuMoe()), gpu(24 * GIB), QWEN_KV);
        assertEquals(CUDA0, upFirst.deviceOf("blk.1.ffn_up_exps.weight"));
        assertEquals(CPU, upFirst.deviceOf("blk.1.ffn_gate_exps.weight"));
        assertEquals(294_912, upFirst.bytes(CUDA0, TensorKind.EXPERTS));

        Placement moeFirst = DevicePlanner.plan(qwen(), 2, rules(GpuLayers.ALL, TensorOverride.cpuMoe(), oneUp), gpu(24 * GIB), QWEN_KV);
        assertEquals(CPU, moeFirst.deviceOf("blk.1.ffn_up_exps.weight"));
        assertEquals(0, moeFirst.bytes(CUDA0, TensorKind.EXPERTS));
    }

    @Test
    void overridesAreRegexSearchesAndBeatTheLayerRule() {
        // "attn_output" is found inside every blk.N.attn_output.weight, as std::regex_search finds it
        TensorOverride r = TensorOverride.parseList("attn_output=CPU").getFirst();
        Placement p = DevicePlanner.plan(qwen(), 2, rules(GpuLayers.AUTO, r), gpu(24 * GIB), QWEN_KV);
        assertEquals(CPU, p.deviceOf("blk.0.attn_output.weight"));
        assertEquals(CPU, p.deviceOf("blk.1.attn_output.weight"));
        assertEquals(2 * QWEN_LAYER + QWEN_OUTPUT - 2 * 45_056, p.weightBytes(CUDA0) - p.bytes(CUDA0, TensorKind.EXPERTS));
        TensorOverride embd = TensorOverride.parseList("token_embd=CUDA0").getFirst();
        assertEquals(CUDA0, DevicePlanner.plan(qwen(), 2, rules(GpuLayers.AUTO, embd), gpu(24 * GIB), QWEN_KV).deviceOf("token_embd.weight"));
    }

    @Test
    void nCpuMoeKeepsTheExpertsOfTheFirstNLayers() {
        // ds2-a: blk.0 is dense, blk.1 and blk.2 have experts
        for (int n : new int[] {0, 1}) {
            Placement p = DevicePlanner.plan(ds2(), 3, rules(GpuLayers.ALL, TensorOverride.nCpuMoe(n).toArray(TensorOverride[]::new)), gpu(24 * GIB), KvCacheSize.UNKNOWN);
            assertEquals(0, p.bytes(CPU, TensorKind.EXPERTS), "--n-cpu-moe " + n);
        }
        Placement two = DevicePlanner.plan(ds2(), 3, rules(GpuLayers.ALL, TensorOverride.nCpuMoe(2).toArray(TensorOverride[]::new)), gpu(24 * GIB), KvCacheSize.UNKNOWN);
        assertEquals(475_136, two.bytes(CPU, TensorKind.EXPERTS), "blk.1: 147456 + 147456 + 180224");
        assertEquals(573_440, two.bytes(CUDA0, TensorKind.EXPERTS), "blk.2: 147456 + 147456 + 278528");
        assertEquals(CUDA0, two.deviceOf("blk.1.ffn_up_shexp.weight"), "shared experts are not _exps");
        for (int n : new int[] {3, 100}) {
            Placement p = DevicePlanner.plan(ds2(), 3, rules(GpuLayers.ALL, TensorOverride.nCpuMoe(n).toArray(TensorOverride[]::new)), gpu(24 * GIB), KvCacheSize.UNKNOWN);
            assertEquals(1_048_576, p.bytes(CPU, TensorKind.EXPERTS), "--n-cpu-moe " + n);
            assertEquals(131_072, p.bytes(CUDA0, TensorKind.SHARED_EXPERTS), "--n-cpu-moe " + n);
        }
    }

    @Test
    void nCpuMoeOfOneLayerDoesNotTouchLayerTenOrEleven() {
        List<TensorSize> tensors = new ArrayList<>();
        for (int i = 0; i < 12; i++) tensors.add(new TensorSize("blk." + i + ".ffn_up_exps.weight", 100));
        Placement p = DevicePlanner.plan(tensors, 12, rules(GpuLayers.ALL, TensorOverride.nCpuMoe(1).toArray(TensorOverride[]::new)), gpu(24 * GIB), KvCacheSize.UNKNOWN);
        assertEquals(CPU, p.deviceOf("blk.0.ffn_up_exps.weight"));
        assertEquals(CUDA0, p.deviceOf("blk.10.ffn_up_exps.weight"));
        assertEquals(CUDA0, p.deviceOf("blk.11.ffn_up_exps.weight"));
        assertEquals(100, p.weightBytes(CPU));
    }

    @Test
    void layersSplitAcrossGpusInProportionToTheirMemory() {
        List<GpuDevice> two = List.of(new GpuDevice(0, "a", 24 * GIB), new GpuDevice(1, "b", 24 * GIB));
        Placement p = DevicePlanner.plan(ds2(), 3, rules(GpuLayers.ALL), two, KvCacheSize.UNKNOWN);
        // 4 offloaded (3 layers + output); layer i at fraction i/4: 0 and 0.25 on the first half, 0.5 and 0.75 on the second
        assertEquals(CUDA0, p.deviceOf("blk.0.attn_q_a.weight"));
        assertEquals(CUDA0, p.deviceOf("blk.1.ffn_up_exps.weight"));
        assertEquals(CUDA1, p.deviceOf("blk.2.attn_q_a.weight"));
        assertEquals(CUDA1, p.deviceOf("output.weight"));
        assertEquals(CPU, p.deviceOf("token_embd.weight"));
    }

    @Test
    void anExplicitNglThatDoesNotFitIsAnErrorNamingTheDevice() {
        long oneLayer = RESERVE + QWEN_LAYER + QWEN_KV.bytesPerLayer();
        PlacementException e = assertThrows(PlacementException.class,
                () -> DevicePlanner.plan(qwen(), 2, rules(GpuLayers.of(2)), gpu(oneLayer), QWEN_KV));
        assertTrue(e.getMessage().startsWith("-ngl 2 puts ") && e.getMessage().contains(" on CUDA0 "), e.getMessage());
        assertTrue(e.getMessage().contains("--cpu-moe"), e.getMessage());
    }

    @Test
    void overridesToAGpuThatCannotHoldThemFailEvenUnderAuto() {
        TensorOverride exps = TensorOverride.parseList("exps=CUDA0").getFirst();
        PlacementException e = assertThrows(PlacementException.class,
                () -> DevicePlanner.plan(qwen(), 2, rules(GpuLayers.AUTO, exps), gpu(RESERVE + 1_000_000), QWEN_KV));
        assertTrue(e.getMessage().startsWith("even with no layers offloaded, the -ot rules put"), e.getMessage());
    }

    @Test
    void aBufferForAGpuThatIsNotThereIsAnError() {
        TensorOverride r = TensorOverride.parseList("exps=CUDA7").getFirst();
        PlacementException e = assertThrows(PlacementException.class,
                () -> DevicePlanner.plan(qwen(), 2, rules(GpuLayers.AUTO, r), gpu(24 * GIB), QWEN_KV));
        assertEquals("'-ot exps=CUDA7': there is no CUDA7 (buffer types here: CPU, CUDA0)", e.getMessage());
    }

    @Test
    void tableShowsBytesPerDevicePerKindInMib() {
        long oneLayer = RESERVE + QWEN_LAYER + QWEN_KV.bytesPerLayer();
        String table = DevicePlanner.plan(qwen(), 2, PlacementRules.defaults(), gpu(oneLayer), QWEN_KV).table();
        assertTrue(table.startsWith("placement: -ngl auto, 1 of 2 layers offloaded, experts on the host; KV cache f16/f16, 4096 positions\n"), table);
        // experts 1904640 B = 1.82 MiB on the CPU; KV 2 MiB on each; reserve 1024 MiB
        assertTrue(table.contains("  experts            1.82 MiB     0.00 MiB\n"), table);
        assertTrue(table.contains("  KV cache           2.00 MiB     2.00 MiB\n"), table);
        assertTrue(table.contains("  reserve                   -  1024.00 MiB\n"), table);
        assertFalse(table.contains("other"), "no row for a kind nobody has: " + table);
    }

    /** qwen3moe-a-q4_k_m's host experts per layer (see above): 884736 and 1019904 bytes, the larger a multiple of 256. */
    private static final long QWEN_RING = 2 * 1_019_904;
    /** Every non-expert tensor but token_embd, the KV cache and the reserve. */
    private static final long ALL_BUT_EXPERTS = 2 * QWEN_LAYER + QWEN_OUTPUT + 2 * QWEN_KV.bytesPerLayer() + RESERVE;
    /** A byte short of layer 1's experts (1019904), the fewest -ngl auto moves up; the ring (2039808) does not fit either. */
    private static final long NO_ROOM_FOR_EXPERTS = ALL_BUT_EXPERTS + 1_019_904 - 1;

    @Test
    void autoGivesTheMemoryLeftToTheExpertsOfTheLastLayers() {
        Placement all = DevicePlanner.plan(qwen(), 2, PlacementRules.defaults(), gpu(24 * GIB), QWEN_KV);
        assertEquals(0, all.bytes(CPU, TensorKind.EXPERTS), "the whole model but token_embd fits");
        assertEquals(1_904_640, all.bytes(CUDA0, TensorKind.EXPERTS));
        assertEquals(Placement.Staging.NONE, all.staging(), "no host experts, no ring");
        assertTrue(all.table().lines().findFirst().orElseThrow().contains(", experts too"), all.table());

        // Here the ring of both layers (2039808) is more than their experts (1904640): where it would fit, they all do.
        Placement one = DevicePlanner.plan(qwen(), 2, PlacementRules.defaults(), gpu(ALL_BUT_EXPERTS + 1_019_904), QWEN_KV);
        assertEquals(CUDA0, one.deviceOf("blk.1.ffn_down_exps.weight"));
        assertEquals(CPU, one.deviceOf("blk.0.ffn_down_exps.weight"));
        assertEquals(null, one.staging().device(), "no room for layer 0's ring: its prompts stay on the CPU");
        assertTrue(one.table().contains("experts of the last 1 of 2 MoE layers too (the rest on the host)"), one.table());

        Placement none = DevicePlanner.plan(qwen(), 2, PlacementRules.defaults(), gpu(NO_ROOM_FOR_EXPERTS), QWEN_KV);
        assertEquals(0, none.bytes(CUDA0, TensorKind.EXPERTS), "a byte short of layer 1's experts");
        assertTrue(none.table().contains(", experts on the host"), none.table());
    }

    /** Six MoE layers of 1000 bytes of experts (ring slots of 1024) and 10 bytes of attention each, no reserve. */
    @Test
    void theLastLayersExpertsGoUpAsFarAsTheMemoryLeftBesideTheRingAllows() {
        List<TensorSize> tensors = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tensors.add(new TensorSize("blk." + i + ".attn_q.weight", 10));
            tensors.add(new TensorSize("blk." + i + ".ffn_up_exps.weight", 1000));
        }
        PlacementRules auto = new PlacementRules(GpuLayers.AUTO, List.of(), 0);
        // 60 + 3 x 1000 + 2 x 1024: the last three layers' experts up, the ring for the first three's
        Placement three = DevicePlanner.plan(tensors, 6, auto, gpu(5108), KvCacheSize.UNKNOWN);
        for (int i = 0; i < 6; i++) assertEquals(i < 3 ? CPU : CUDA0, three.deviceOf("blk." + i + ".ffn_up_exps.weight"), "layer " + i);
        assertEquals(2048, three.stagingBytes(CUDA0));
        assertEquals(5108, three.neededBytes(CUDA0));
        assertTrue(three.table().contains("experts of the last 3 of 6 MoE layers too (the rest on the host)"), three.table());
        // 60 + 6000 fits where four up with a ring (60 + 4000 + 2048) does not: all go up
        Placement all = DevicePlanner.plan(tensors, 6, auto, gpu(6060), KvCacheSize.UNKNOWN);
        assertEquals(6000, all.bytes(CUDA0, TensorKind.EXPERTS));
        assertEquals(Placement.Staging.NONE, all.staging());
    }

    @Test
    void theStagingRingOfTwoLargestLayersIsCountedOnTheGpuThatHoldsTheWeights() {
        Placement p = DevicePlanner.plan(qwen(), 2, rules(GpuLayers.ALL, TensorOverride.cpuMoe()), gpu(24 * GIB), QWEN_KV);
        assertEquals(CUDA0, p.staging().device());
        assertEquals(QWEN_RING, p.stagingBytes(CUDA0));
        assertEquals(0, p.stagingBytes(CPU));
        assertEquals(2 * QWEN_LAYER + QWEN_OUTPUT + 2 * QWEN_KV.bytesPerLayer() + QWEN_RING + RESERVE, p.neededBytes(CUDA0));
        assertTrue(p.table().contains("expert staging"), p.table());
        assertEquals(QWEN_RING, p.toJson().get("devices").get(1).get("stagingBytes").asLong());
        assertEquals("CUDA0", p.toJson().get("expertStaging").get("device").asText());

        // ds2-a with --n-cpu-moe 2: only blk.1's experts stay on the host, 475136 bytes (a multiple of 256)
        Placement ds2 = DevicePlanner.plan(ds2(), 3, rules(GpuLayers.ALL, TensorOverride.nCpuMoe(2).toArray(TensorOverride[]::new)),
                gpu(24 * GIB), KvCacheSize.UNKNOWN);
        assertEquals(2 * 475_136, ds2.stagingBytes(CUDA0));
    }

    @Test
    void noRingWithoutHostExpertsOrWithoutWeightsOnAGpu() {
        Placement allUp = DevicePlanner.plan(qwen(), 2, rules(GpuLayers.ALL), gpu(24 * GIB), QWEN_KV);
        assertEquals(0, allUp.bytes(CPU, TensorKind.EXPERTS));
        assertEquals(Placement.Staging.NONE, allUp.staging());
        assertFalse(allUp.table().contains("expert staging"), allUp.table());

        Placement none = DevicePlanner.plan(qwen(), 2, rules(GpuLayers.NONE), gpu(24 * GIB), QWEN_KV);
        assertEquals(Placement.Staging.NONE, none.staging(), "-ngl 0: nothing on the GPU, so no GPU expert path");
        assertEquals(Placement.Staging.NONE, DevicePlanner.plan(qwen(), 2, PlacementRules.defaults(), List.of(), QWEN_KV).staging());
    }

    @Test
    void theRingGoesToTheLowestNumberedGpuWithWeights() {
        List<GpuDevice> two = List.of(new GpuDevice(0, "fixture", 24 * GIB), new GpuDevice(1, "fixture", 24 * GIB));
        List<TensorOverride> ot = new ArrayList<>(TensorOverride.parseList("exps=CPU,.=CUDA1"));
        Placement p = DevicePlanner.plan(qwen(), 2, new PlacementRules(GpuLayers.ALL, ot, RESERVE), two, QWEN_KV);
        assertEquals(0, p.weightBytes(CUDA0));
        assertEquals(CUDA1, p.staging().device());
        assertEquals(QWEN_RING, p.stagingBytes(CUDA1));
    }

    @Test
    void aRingThatDoesNotFitCostsNoLayerAndTheTableSaysWhy() {
        long oneLayer = RESERVE + QWEN_LAYER + QWEN_KV.bytesPerLayer();
        Placement p = DevicePlanner.plan(qwen(), 2, PlacementRules.defaults(), gpu(oneLayer + QWEN_RING - 1), QWEN_KV);
        assertEquals(1, p.offloadedLayers(), "the same layers as without a ring");
        assertEquals(null, p.staging().device());
        assertEquals(oneLayer, p.neededBytes(CUDA0));
        String note = p.staging().note();
        assertTrue(note.contains("do not fit CUDA0") && note.contains("2 slots of"), note);
        assertTrue(p.table().contains(note), p.table());
        assertEquals(note, p.toJson().get("expertStaging").get("note").asText());

        Placement fits = DevicePlanner.plan(qwen(), 2, PlacementRules.defaults(), gpu(oneLayer + QWEN_RING), QWEN_KV);
        assertEquals(CUDA0, fits.staging().device(), "exactly enough room");
        assertEquals(1, fits.offloadedLayers());
    }
}
