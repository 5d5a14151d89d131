package dev.jmoe.host.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorMathTest {

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void expIsWithinTwoUlpOfTheCorrectlyRoundedValue(int bits) {
        VectorSpecies<Float> f = VectorSpecies.of(float.class, jdk.incubator.vector.VectorShape.forBitSize(bits));
        Random r = new Random(bits);
        float[] x = new float[f.length()], got = new float[f.length()];
        double worstUlps = 0;
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < x.length; i++) {
                // the whole softmax range, dense near 0 where most scores sit, and the exact edges
                x[i] = switch ((round + i) % 4) {
                    case 0 -> (float) (-87 * r.nextDouble());
                    case 1 -> (float) (-r.nextDouble());
                    case 2 -> (float) (-1e-6 * r.nextDouble());
                    default -> -(float) (r.nextInt(126) * Math.log(2));
                };
            }
            VectorMath.expNonPositive(FloatVector.fromArray(f, x, 0)).intoArray(got, 0);
            for (int i = 0; i < x.length; i++) {
                double want = Math.exp(x[i]);
                double ulps = Math.abs(got[i] - want) / Math.ulp((float) want);
                worstUlps = Math.max(worstUlps, ulps);
                assertTrue(ulps <= 2, "exp(" + x[i] + ") = " + got[i] + ", want " + want + " (" + ulps + " ulp)");
            }
        }
        assertTrue(worstUlps > 0, "the polynomial is not the library function");
    }

    @Test
    void expOfZeroIsOneAndOfVeryNegativeIsTinyNotNaN() {
        VectorSpecies<Float> f = FloatVector.SPECIES_128;
        float[] out = new float[4];
        VectorMath.expNonPositive(FloatVector.fromArray(f, new float[] {0f, -0f, -200f, Float.NEGATIVE_INFINITY}, 0)).intoArray(out, 0);
        assertEquals(1f, out[0]);
        assertEquals(1f, out[1]);
        assertTrue(out[2] >= 0 && out[2] < 1e-37f, "exp(-200) = " + out[2]);
        assertTrue(out[3] >= 0 && out[3] < 1e-37f, "exp(-inf) = " + out[3]);
    }

    @Test
    void laneSumFoldsHalvesInAFixedOrder() {
        // Lanes chosen so that every order of summation gives another float: 2^24 + 1 + 1 + ... loses the ones
        // when added one by one, keeps them when they meet first.
        float[] lanes = {16777216f, 1f, 1f, 1f, -16777216f, 1f, 1f, 1f};
        // ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)) = (0 + 2) + (2 + 2) = 6
        assertEquals(6f, VectorMath.laneSum(lanes.clone(), 0, 8));
        float[] sixteen = new float[19];
        for (int i = 0; i < 16; i++) sixteen[3 + i] = i + 1;
        assertEquals(136f, VectorMath.laneSum(sixteen, 3, 16), "from an offset");
        // 16 lanes: halves first (lane i + lane i + 8), then as eight; 2^24 at lanes 0 and 8 cancels only so
        float[] big = {16777216f, 1, 1, 1, 1, 1, 1, 1, -16777216f, 1, 1, 1, 1, 1, 1, 1};
        assertEquals(14f, VectorMath.laneSum(big.clone(), 0, 16));
        assertEquals(3f, VectorMath.laneSum(new float[] {1f, 2f}, 0, 2), "other powers of two by the loop");
        // laneSum8, the dots' eight lanes written out, keeps the fold's order: 6, where one by one gives 3
        float[] offset = new float[10];
        System.arraycopy(lanes, 0, offset, 2, 8);
        assertEquals(6f, VectorMath.laneSum8(offset, 2));
        float[] mixed = {3e-8f, 1f, -2.5f, 7e7f, 1e-3f, -1f, 2.5f, -7e7f};
        assertEquals(Float.floatToIntBits(VectorMath.laneSum(mixed.clone(), 0, 8)), Float.floatToIntBits(VectorMath.laneSum8(mixed, 0)));
        assertEquals(14f, VectorMath.laneSum16(big, 0));
        float[] mixed16 = new float[17];
        for (int i = 0; i < 16; i++) mixed16[1 + i] = mixed[i % 8] * (i < 8 ? 1 : -0.75f) + i;
        float[] folded = java.util.Arrays.copyOfRange(mixed16, 1, 17);
        for (int half = 8; half >= 1; half /= 2) for (int i = 0; i < half; i++) folded[i] += folded[i + half];
        assertEquals(Float.floatToIntBits(folded[0]), Float.floatToIntBits(VectorMath.laneSum16(mixed16, 1)), "the fold's bits");
        assertEquals(10f, VectorMath.laneSum(new float[] {1, 2, 3, 4}, 0, 4));
        // four values of 2^24 + 1 + 1 ...: folded, the two ones meet first and survive
        assertEquals(16777218f, VectorMath.laneSum(new float[] {16777216f, 1f, 0f, 1f}, 0, 4));
    }

    @Test
    void swigluIsSiluTimesUpWithinAFewUlpEverywhere() {
        // Odd length: whole vectors and a scalar tail. Gates from -100 to 100, the tails of the sigmoid included.
        int n = 1001;
        float[] gate = new float[n], up = new float[n], out = new float[n];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < n; i++) {
            gate[i] = i < 20 ? (i - 10) * 10f : (float) random.nextGaussian() * 6;
            up[i] = (float) random.nextGaussian();
        }
        VectorMath.swiglu(gate, up, n, out);
        for (int i = 0; i < n; i++) {
            double want = gate[i] / (1 + Math.exp(-(double) gate[i])) * up[i];
            assertEquals(want, out[i], 4 * Math.ulp((float) want) + 1e-30, "gate " + gate[i] + ", up " + up[i]);
        }
    }

    @Test
    void float16ToFloatEqualsTheLibraryForEveryHalf() {
        // All 65,536 halves (subnormals, infinities, NaNs), at an odd offset so the scalar tail runs too.
        java.lang.foreign.MemorySegment halves = java.lang.foreign.Arena.ofAuto().allocate(2L * 65536 + 2);
        for (int h = 0; h < 65536; h++) halves.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 2 + 2L * h, (short) h);
        float[] out = new float[65536 + 3];
        VectorMath.float16ToFloat(halves, 2, out, 3, 65536);
        for (int h = 0; h < 65536; h++) {
            assertEquals(Float.floatToRawIntBits(Float.float16ToFloat((short) h)), Float.floatToRawIntBits(out[3 + h]), "half 0x" + Integer.toHexString(h));
        }
        VectorMath.float16ToFloat(halves, 2 + 2 * 0x3C00, out, 0, 3);   // 3 values: the tail alone
        assertEquals(1f, out[0]);
    }
}
