package dev.jmoe.cuda.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jmoe.cuda.compute.DeviceExperts;
import dev.jmoe.cuda.compute.ExpertProduct;
import dev.jmoe.cuda.compute.RandomBlocks;
import dev.jmoe.cuda.compute.ReferenceProduct;
import dev.jmoe.host.engine.OffloadRule;
import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.kernel.ScalarDequant;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The GPU expert path without a GPU: {@link FakeDeviceCopies} moves the bytes into host memory standing for the
 * device, and the product double computes from whatever bytes sit at the address it is given, so a wrong offset,
 * a missing upload or a mixed-up expert shows as wrong numbers. The reference is independent: each pair's expert
 * rows dequantized by the scalar reference and dotted in double from the host tensors themselves.
 */
class DeviceExpertsTest {
    private static final int EXPERTS = 8;
    private static final int EMBD = 64;
    private static final int FF = 32;
    private static final int USED = 2;

    private final Arena arena = Arena.ofShared();
    private final FakeDeviceCopies copies = new FakeDeviceCopies();
    private final List<String> warnings = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(42);

    @AfterEach
    void close() {
        copies.close();
        arena.close();
    }

    @ParameterizedTest
    @EnumSource(value = PinMode.class)
    void aLayerRunsOnTheRoutedExpertsBytesAndTheMeterCountsExactlyThose(PinMode mode) {
        ExpertWeights gate = experts(EMBD, FF), up = experts(EMBD, FF), down = experts(FF, EMBD);
        List<ExpertTensor> tensors = List.of(tensor("blk.3.ffn_gate_exps.weight", gate), tensor("blk.3.ffn_up_exps.weight", up),
                tensor("blk.3.ffn_down_exps.weight", down));
        int tokens = 40;
        int[] routing = new int[tokens * USED];
        int[] gaps = {0, 1, 2, 5, 6};   // experts 3, 4 and 7 get no token: three runs, {0-2}, {5-6}
        for (int i = 0; i < routing.length; i++) routing[i] = gaps[(i * 3 + i / 7) % gaps.length];
        int[] pairToken = new int[routing.length];
        int[] self = new int[routing.length];
        for (int i = 0; i < routing.length; i++) {
            pairToken[i] = i / USED;
            self[i] = i;
        }
        float[] h = randomFloats(tokens * EMBD);
        float[] act = randomFloats(routing.length * FF);

        try (DeviceExperts d = DeviceExperts.open(tensors, copies, new StagingOptions(mode, 1L << 30, false), OffloadRule.fixed(4), USED,
                ReferenceProduct::atAddress, warnings::add)) {
            assertTrue(d.offloads(gate, routing.length), "40 tokens x 2 >= 4 x 8 experts: on the GPU");
            assertFalse(d.offloads(gate, 15 * USED), "15 tokens x 2 < 4 x 8: on the CPU");
            float[] g = new float[routing.length * FF], u = new float[routing.length * FF], o = new float[routing.length * EMBD];
            d.run(gate, h, pairToken, routing, g);
            d.run(up, h, pairToken, routing, u);
            d.run(down, act, self, routing, o);
            PcieSnapshot prefill = d.endOfPass();

            check("gate", gate, h, pairToken, routing, g);
            check("up", up, h, pairToken, routing, u);
            check("down", down, act, self, routing, o);
            long routedBytes = 5 * (gate.expert(0).bytes() + up.expert(0).bytes() + down.expert(0).bytes());
            assertEquals(routedBytes, prefill.bytes(), "the meter counts the routed experts of the three tensors, once");
            assertEquals(routedBytes, copies.copies.stream().filter(FakeDeviceCopies.Copy::toDevice).mapToLong(FakeDeviceCopies.Copy::bytes).sum(),
                    "copy mode fills its pinned slabs on the host: only the uploads are device copies");
            assertNull(d.endOfPass(), "a pass that ran no experts here has no figures");
        }
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void theNextLayerGetsTheOtherSlotAndAPassSpansBoth() {
        ExpertWeights gate0 = experts(EMBD, FF), gate1 = experts(EMBD, FF);
        List<ExpertTensor> tensors = List.of(tensor("blk.0.ffn_gate_exps.weight", gate0), tensor("blk.1.ffn_gate_exps.weight", gate1));
        int[] routing = {1, 4, 4, 6};
        int[] pairToken = {0, 0, 1, 1};
        float[] h = randomFloats(2 * EMBD);
        try (DeviceExperts d = DeviceExperts.open(tensors, copies, new StagingOptions(PinMode.OFF, 0, false), OffloadRule.fixed(1), USED,
                ReferenceProduct::atAddress, warnings::add)) {
            float[] a = new float[4 * FF], b = new float[4 * FF];
            d.run(gate0, h, pairToken, routing, a);
            int[] nextRouting = {0, 7, 7, 3};
            d.run(gate1, h, pairToken, nextRouting, b);
            PcieSnapshot pass = d.endOfPass();
            check("layer 0", gate0, h, pairToken, routing, a);
            check("layer 1", gate1, h, pairToken, nextRouting, b);
            assertEquals(3 * gate0.expert(0).bytes() + 3 * gate1.expert(0).bytes(), pass.bytes());
        }
    }

    @Test
    void aBatchUsingEveryExpertUploadsTheNextLayerBeforeThisOneComputes() {
        ExpertWeights gate0 = experts(EMBD, FF), gate1 = experts(EMBD, FF), gate2 = experts(EMBD, FF);
        List<ExpertTensor> tensors = List.of(tensor("blk.0.ffn_gate_exps.weight", gate0), tensor("blk.1.ffn_gate_exps.weight", gate1),
                tensor("blk.2.ffn_gate_exps.weight", gate2));
        int[] pairToken = new int[2 * EXPERTS];
        for (int i = 0; i < pairToken.length; i++) pairToken[i] = i / USED;
        float[] h = randomFloats(EXPERTS * EMBD);
        List<Long> uploadedAtProduct = new ArrayList<>();
        ExpertProduct recording = (w, type, cols, rows, x, tokens, out) -> {
            uploadedAtProduct.add(copies.copies.stream().filter(FakeDeviceCopies.Copy::toDevice).mapToLong(FakeDeviceCopies.Copy::bytes).sum());
            ReferenceProduct.atAddress(w, type, cols, rows, x, tokens, out);
        };
        long layerBytes = EXPERTS * gate0.expert(0).bytes();
        try (DeviceExperts d = DeviceExperts.open(tensors, copies, new StagingOptions(PinMode.OFF, 0, false), OffloadRule.fixed(1), USED,
                recording, warnings::add)) {
            int[][] routings = new int[3][pairToken.length];
            float[][] outs = new float[3][pairToken.length * FF];
            ExpertWeights[] gates = {gate0, gate1, gate2};
            for (int l = 0; l < 3; l++) {
                for (int i = 0; i < pairToken.length; i++) routings[l][i] = (i * (l + 3) + l) % EXPERTS;   // every expert, in a different order
                d.run(gates[l], h, pairToken, routings[l], outs[l]);
            }
            PcieSnapshot pass = d.endOfPass();
            for (int l = 0; l < 3; l++) check("layer " + l, gates[l], h, pairToken, routings[l], outs[l]);
            assertEquals(2 * layerBytes, uploadedAtProduct.getFirst(), "layer 1 was queued before layer 0's first product");
            assertEquals(3 * layerBytes, uploadedAtProduct.get(EXPERTS), "and layer 2 before layer 1's");
            assertEquals(3 * layerBytes, pass.bytes(), "each layer went up once");
        }
    }

    /**
     * A pass of enough tokens starts the first layer's upload before any product: 8 tokens of 2 experts out of 8
     * miss a given expert with probability (3/4)^8 = 0.100, under the eighth at which every expert goes up anyway;
     * 7 tokens miss it with 0.133, so nothing moves until the routing is known.
     */
    @Test
    void aLargePassStartsUploadingTheFirstLayerBeforeItsProducts() {
        ExpertWeights gate0 = experts(EMBD, FF), gate1 = experts(EMBD, FF);
        List<ExpertTensor> tensors = List.of(tensor("blk.3.ffn_gate_exps.weight", gate0), tensor("blk.4.ffn_gate_exps.weight", gate1));
        long layerBytes = EXPERTS * gate0.expert(0).bytes();
        try (DeviceExperts d = DeviceExperts.open(tensors, copies, new StagingOptions(PinMode.OFF, 0, false), OffloadRule.fixed(1), USED,
                ReferenceProduct::atAddress, warnings::add)) {
            d.beginPass(7);
            assertEquals(0, uploadedBytes(), "7 tokens: wait for the routing");
            d.endOfPass();

            d.beginPass(8);
            assertEquals(layerBytes, uploadedBytes(), "all of blk.3's experts, before any product");
            int[] routing = {5, 2, 2, 5};   // narrower than the prefetch: it is a superset
            int[] pairToken = {0, 0, 1, 1};
            float[] h = randomFloats(2 * EMBD), out = new float[routing.length * FF];
            d.run(gate0, h, pairToken, routing, out);
            check("blk.3 from the prefetch", gate0, h, pairToken, routing, out);
            assertEquals(2 * layerBytes, uploadedBytes(), "no second upload of blk.3; blk.4 queued behind it");
            assertEquals(2 * layerBytes, d.endOfPass().bytes());
        }
    }

    private long uploadedBytes() {
        return copies.copies.stream().filter(FakeDeviceCopies.Copy::toDevice).mapToLong(FakeDeviceCopies.Copy::bytes).sum();
    }

    @Test
    void aPrefetchNoLayerClaimsIsReleasedAtTheEndOfThePass() {
        ExpertWeights gate0 = experts(EMBD, FF), gate1 = experts(EMBD, FF);
        List<ExpertTensor> tensors = List.of(tensor("blk.0.ffn_gate_exps.weight", gate0), tensor("blk.1.ffn_gate_exps.weight", gate1));
        int[] routing = new int[2 * EXPERTS];
        int[] pairToken = new int[routing.length];
        for (int i = 0; i < routing.length; i++) {
            routing[i] = i % EXPERTS;
            pairToken[i] = i / USED;
        }
        float[] h = randomFloats(EXPERTS * EMBD);
        try (DeviceExperts d = DeviceExperts.open(tensors, copies, new StagingOptions(PinMode.OFF, 0, false), OffloadRule.fixed(1), USED,
                ReferenceProduct::atAddress, warnings::add)) {
            for (int pass = 0; pass < 3; pass++) {   // layer 1 never runs (say its micro-batch went to the CPU)
                float[] out = new float[routing.length * FF];
                d.run(gate0, h, pairToken, routing, out);
                assertEquals(2 * EXPERTS * gate0.expert(0).bytes(), d.endOfPass().bytes());
                check("pass " + pass, gate0, h, pairToken, routing, out);
            }
        }
    }

    private static void check(String what, ExpertWeights w, float[] x, int[] pairToken, int[] routing, float[] got) {
        for (int i = 0; i < routing.length; i++) {
            float[] rows = ScalarDequant.row(w.type(), w.data(), routing[i] * w.expert(0).bytes(), w.rows() * w.cols());
            for (int r = 0; r < w.rows(); r++) {
                double want = 0;
                for (int k = 0; k < w.cols(); k++) want += (double) rows[r * w.cols() + k] * x[pairToken[i] * w.cols() + k];
                if (got[i * w.rows() + r] != (float) want) {
                    fail(what + " pair " + i + " (expert " + routing[i] + ") row " + r + ": " + got[i * w.rows() + r] + ", want " + (float) want);
                }
            }
        }
    }

    /** {@link #EXPERTS} experts of rows x cols Q8_0 weights with random quants and scales. */
    private ExpertWeights experts(int cols, int rows) {
        MemorySegment s = RandomBlocks.of(GgmlType.Q8_0, (long) EXPERTS * rows * cols, random.nextLong(), arena);
        return new ExpertWeights(s, GgmlType.Q8_0, cols, rows, EXPERTS);
    }

    private static ExpertTensor tensor(String name, ExpertWeights w) {
        return ExpertTensor.of(name, w.data(), w.experts());
    }

    private float[] randomFloats(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) random.nextDouble(-1, 1);
        return v;
    }
}
