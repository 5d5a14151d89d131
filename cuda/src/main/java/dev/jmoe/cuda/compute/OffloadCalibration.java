package dev.jmoe.cuda.compute;

import dev.jmoe.cuda.staging.BandwidthTest;
import dev.jmoe.cuda.staging.DeviceCopies;
import dev.jmoe.cuda.staging.PinRefusedException;
import dev.jmoe.host.engine.Backend;
import dev.jmoe.host.engine.OffloadCosts;
import dev.jmoe.host.engine.OffloadRule;
import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.kernel.WeightMatrix;

import java.util.SplittableRandom;

/**
 * {@code --offload-batch-size auto}, measured at load: the pinned host→device bandwidth of this link (a 64 MiB
 * copy, as {@code jmoe pcie} measures it), the CPU's time per token for one MoE layer's experts (the host
 * backend running gate, up and down for a micro-batch of random routings, best of three), and the GPU's: one
 * expert's gate, up and down on the device, multiplied over {@link #GPU_TOKENS} tokens the way the GPU expert
 * path does it (activations crossing PCIe both ways), best of three, times the experts each token uses.
 */
public final class OffloadCalibration {
    static final long BANDWIDTH_BYTES = 64L << 20;
    static final int TOKENS = 16;
    /**
     * Tokens through the one expert the GPU is timed on: about what each expert gets at the crossover of the
     * default rule ({@code batch × used = 32 × experts}), so its fixed per-expert costs weigh as they would there.
     */
    static final int GPU_TOKENS = OffloadRule.DEFAULT_THRESHOLD;
    private static final int RUNS = 3;

    private OffloadCalibration() {}

    /** One MoE layer's expert tensors on the host. */
    public record Layer(ExpertWeights gate, ExpertWeights up, ExpertWeights down) {
        long expertBytes() {
            return gate.expert(0).bytes() + up.expert(0).bytes() + down.expert(0).bytes();
        }
    }

    /** The rule from measured costs of {@code layer} ({@code used} experts per token), with its one-line reason. */
    public static OffloadRule measure(Layer layer, int used, DeviceCopies copies, ExpertProduct gpu, Backend host)
            throws PinRefusedException {
        return OffloadRule.fromCosts(costs(layer, used, copies, gpu, host));
    }

    /** The measured costs themselves (what {@link #measure} decides from); {@code gpu} multiplies on the device. */
    public static OffloadCosts costs(Layer layer, int used, DeviceCopies copies, ExpertProduct gpu, Backend host)
            throws PinRefusedException {
        double gbps = new BandwidthTest(copies, RUNS, null).pinnedHostToDevice(BANDWIDTH_BYTES);
        return new OffloadCosts(layer.expertBytes(), layer.gate().experts(), used, gbps * 1e9, cpuSecondsPerToken(layer, used, host),
                gpuSecondsPerToken(layer, used, copies, gpu));
    }

    /** The device's time for one layer's expert products, per token: one expert's, {@code used} times. */
    static double gpuSecondsPerToken(Layer layer, int used, DeviceCopies copies, ExpertProduct gpu) {
        WeightMatrix gate = layer.gate().expert(0), up = layer.up().expert(0), down = layer.down().expert(0);
        int embd = gate.cols(), ff = gate.rows();
        try (DeviceCopies.DeviceBuffer weights = copies.allocateDevice(layer.expertBytes());
             DeviceCopies.DeviceStream stream = copies.newStream()) {
            long at = 0;
            long[] offset = new long[3];
            WeightMatrix[] parts = {gate, up, down};
            for (int i = 0; i < 3; i++) {
                offset[i] = at;
                stream.toDevice(weights, at, parts[i].data().address(), parts[i].data().byteSize());
                at += parts[i].data().byteSize();
            }
            stream.synchronize();
            SplittableRandom random = new SplittableRandom(11);
            float[] h = new float[GPU_TOKENS * embd];
            for (int i = 0; i < h.length; i++) h[i] = (float) random.nextDouble(-1, 1);
            float[] g = new float[GPU_TOKENS * ff], u = new float[GPU_TOKENS * ff], d = new float[GPU_TOKENS * embd];
            long best = Long.MAX_VALUE;
            for (int run = 0; run < RUNS; run++) {
                long start = System.nanoTime();
                gpu.multiply(weights.address() + offset[0], gate.type(), embd, ff, h, GPU_TOKENS, g);
                gpu.multiply(weights.address() + offset[1], up.type(), embd, ff, h, GPU_TOKENS, u);
                gpu.multiply(weights.address() + offset[2], down.type(), ff, embd, g, GPU_TOKENS, d);
                best = Math.min(best, System.nanoTime() - start);
            }
            return best / 1e9 / GPU_TOKENS * used;
        }
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
            host.experts(new ExpertWeights[] {layer.gate(), layer.up()}, h, TOKENS, pairToken, pairExpert, new float[][] {gate, up});
            host.experts(layer.down(), gate, pairs, self, pairExpert, down);
            best = Math.min(best, System.nanoTime() - start);
        }
        return best / 1e9 / TOKENS;
    }
}
