package dev.jmoe.host.kernel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The peak's FLOP count must be the arithmetic the loop does, or the GFLOP/s it reports are wrong. */
class FmaPeakTest {

    @Test
    void eachStepIsOneFmaPerLaneOfEveryChain() {
        // x·y + acc from zero: every lane of every chain adds x·y per step, so the sum is chains × lanes × steps × x·y,
        // and the FLOP count is twice the FMAs
        int steps = 1000;
        long fmas = (long) FmaPeak.CHAINS * RowDots.preferredSpecies().length() * steps;
        assertEquals(fmas, (long) FmaPeak.run(steps, 1f, 1f));
        assertEquals(fmas / 4, (long) FmaPeak.run(steps, 0.5f, 0.5f));
        assertEquals(2 * fmas, FmaPeak.flops(steps));
    }
}
