package dev.jmoe.cuda.compute;

import dev.jmoe.cuda.staging.BandwidthTest;
import dev.jmoe.cuda.staging.DeviceCopies;
import dev.jmoe.cuda.staging.PinRefusedException;
import dev.jmoe.host.engine.Backend;
import dev.jmoe.host.engine.OffloadCosts;
import dev.jmoe.host.engine.OffloadRule;
import dev.jmoe.host.kernel.ExpertWeights;

import java.util.SplittableRandom;

/**
 * {@code --offload-batch-size auto}, measured at load: the pinned host→device bandwidth of this link (a 64 MiB
 * copy, as {@code jmoe pcie} measures it) and the CPU's time per token for one MoE layer's experts (the host
 * backend running gate, up and down for a micro-batch of random routings, best of three). The GPU's own product
 * time is not measured (0): for the batches where the choice matters, the upload dominates it.
 */
public final class OffloadCalibration {
    static final long BANDWIDTH_BYTES = 64L << 20;
    static final int TOKENS = 16;
    private static final int RUNS = 3;

    private OffloadCalibration() {}

    /** One MoE layer's expert tensors on the host. */
    public record Layer(ExpertWeights gate, ExpertWeights up, ExpertWeights down) {
        long expertBytes() {
            return gate.expert(0).bytes() + up.expert(0).bytes() + down.expert(0).bytes();
        }
    }

    /** The rule from measured costs of {@code layer} ({@code used} experts per token), with its one-line reason. */
    public static OffloadRule measure(Layer layer, int used, DeviceCopies copies, Backend host) throws PinRefusedException {
        return OffloadRule.fromCosts(costs(layer, used, copies, host));
    }

    /** The measured costs themselves (what {@link #measure} decides from). */
    public static OffloadCosts costs(Layer layer, int used, DeviceCopies copies, Backend host) throws PinRefusedException {
        double gbps = new BandwidthTest(copies, RUNS, null).pinnedHostToDevice(BANDWIDTH_BYTES);
        return new OffloadCosts(layer.expertBytes(), layer.gate().experts(), used, gbps * 1e9, cpuSecondsPerToken(layer, used, host), 0);
    }

    /** The host backend's time for one layer's expert products, per token (the fastest of {@link #RUNS}). */
    static double cpuSecondsPerToken(Layer layer, int used, Backend host) {
        int experts = layer.gate().experts(), embd = layer.gate().cols(), ff = layer.gate().rows();
        int pairs = TOKENS * used;
        SplittableRandom random = new SplittableRandom(7);
        int[] pairToken = new int[pairs], pairExpert = new int[pairs], self = new int[pairs];
        for (int i = 0; i < pairs; i++) {
            pairToken[i] = i / used;
            pairExpert[i] = random.nextInt(experts);
            self[i] = i;
        }
        float[] h = new float[TOKENS * embd];
        for (int i = 0; i < h.length; i++) h[i] = (float) random.nextDouble(-1, 1);
        float[] gate = new float[pairs * ff], up = new float[pairs * ff], down = new float[pairs * embd];
        long best = Long.MAX_VALUE;
        for (int run = 0; run < RUNS; run++) {
            long start = System.nanoTime();
            host.experts(layer.gate(), h, TOKENS, pairToken, pairExpert, gate);
            host.experts(layer.up(), h, TOKENS, pairToken, pairExpert, up);
            host.experts(layer.down(), gate, pairs, self, pairExpert, down);
            best = Math.min(best, System.nanoTime() - start);
        }
        return best / 1e9 / TOKENS;
    }
}
