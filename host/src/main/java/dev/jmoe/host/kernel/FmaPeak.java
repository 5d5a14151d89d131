package dev.jmoe.host.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * FP32 FMAs with no memory traffic: twelve independent chains of {@code acc = x·y + acc} in registers, at the
 * kernels' vector width, the chain through the addend as in the prompt tiles ({@link DenseTiles}). This is the
 * ceiling those tiles are measured against, as {@link StreamRead} is the one for the matvec kernels. Chained
 * through a multiplicand instead ({@code acc·x + y}) the same twelve chains ran at 55–62 GFLOP/s on one Zen 3
 * core where these ran at 97.5–98: that input's latency is longer.
 */
public final class FmaPeak {
    private FmaPeak() {}

    private static final VectorSpecies<Float> F = RowDots.preferredSpecies();
    /** Independent accumulator chains per thread. */
    static final int CHAINS = 12;

    /** Floating-point operations one call of {@link #run} with {@code steps} does (an FMA is two). */
    public static long flops(int steps) {
        return 2L * CHAINS * F.length() * steps;
    }

    /** {@code steps} rounds of one FMA per chain, from zero; returns the sum of all lanes (it keeps the work alive). */
    public static float run(int steps, float x, float y) {
        FloatVector vx = FloatVector.broadcast(F, x), vy = FloatVector.broadcast(F, y);
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < steps; i++) {
            a0 = vx.fma(vy, a0);
            a1 = vx.fma(vy, a1);
            a2 = vx.fma(vy, a2);
            a3 = vx.fma(vy, a3);
            a4 = vx.fma(vy, a4);
            a5 = vx.fma(vy, a5);
            a6 = vx.fma(vy, a6);
            a7 = vx.fma(vy, a7);
            a8 = vx.fma(vy, a8);
            a9 = vx.fma(vy, a9);
            a10 = vx.fma(vy, a10);
            a11 = vx.fma(vy, a11);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
