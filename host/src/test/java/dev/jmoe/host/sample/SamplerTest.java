package dev.jmoe.host.sample;

import static dev.jmoe.host.sample.CandidatesTest.logitsOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static final SamplerConfig PLAIN = new SamplerConfig(1f, 0, 1f, 0f, 1f, 64, 0f, 0f, 42L);

    /** Chi-square critical values at significance 0.001, by degrees of freedom. */
    private static final double[] CHI2_CRITICAL_001 = {0, 10.828, 13.816, 16.266, 18.467};

    private static void assertDrawsFollow(SamplerConfig config, float[] logits, double[] expected, int draws) {
        Sampler sampler = new Sampler(config);
        long[] counts = new long[logits.length];
        for (int i = 0; i < draws; i++) {
            counts[sampler.sample(logits)]++;
        }
        double chi2 = 0;
        int categories = 0;
        for (int t = 0; t < logits.length; t++) {
            if (expected[t] == 0) {
                assertEquals(0, counts[t], "token " + t + " should have been cut, counts " + Arrays.toString(counts));
                continue;
            }
            double e = expected[t] * draws;
            chi2 += (counts[t] - e) * (counts[t] - e) / e;
            categories++;
        }
        assertTrue(chi2 < CHI2_CRITICAL_001[categories - 1],
                "chi2 " + chi2 + " for counts " + Arrays.toString(counts) + " vs " + Arrays.toString(expected));
    }

    @Test
    void drawsFollowTheSoftmax() {
        double[] p = {0.4, 0.1, 0.3, 0.2};
        assertDrawsFollow(PLAIN, logitsOf(p), p, 20_000);
    }

    @Test
    void drawsFollowTheTemperedSoftmax() {
        // T = 2 on probabilities 0.2, 0.8: proportional to sqrt, i.e. 1/3, 2/3
        assertDrawsFollow(PLAIN.withTemperature(2f), logitsOf(new double[] {0.2, 0.8}), new double[] {1 / 3.0, 2 / 3.0}, 20_000);
    }

    @Test
    void fullChainDrawsFromTheHandComputedSurvivors() {
        // probabilities 0.5, 0.2, 0.15, 0.1, 0.05 on ids 3, 0, 4, 1, 2
        float[] logits = logitsOf(new double[] {0.2, 0.1, 0.05, 0.5, 0.15});
        // top-k 4 drops id 2; top-p 0.88 over the renormalised four keeps ids 3, 0, 4;
        // min-p 0.35 (threshold 0.35 × 0.5/0.95) keeps ids 3, 0; T 0.5 squares: 0.25 : 0.04
        SamplerConfig config = PLAIN.withTruncation(4, 0.88f, 0.35f).withTemperature(0.5f);
        double[] expected = {0.04 / 0.29, 0, 0, 0.25 / 0.29, 0};
        assertDrawsFollow(config, logits, expected, 20_000);
    }

    @Test
    void theSameSeedGivesTheSameTokensAndAnotherSeedOthers() {
        float[] logits = logitsOf(new double[] {0.1, 0.2, 0.3, 0.25, 0.15});
        int[] a = run(new Sampler(PLAIN.withSeed(1234)), logits, 200);
        int[] b = run(new Sampler(PLAIN.withSeed(1234)), logits, 200);
        int[] c = run(new Sampler(PLAIN.withSeed(1235)), logits, 200);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void randomSeedIsPickedAndReported() {
        Sampler s = new Sampler(PLAIN.withSeed(SamplerConfig.RANDOM_SEED));
        assertTrue(s.seed() >= 0);
        float[] logits = logitsOf(new double[] {0.1, 0.2, 0.3, 0.25, 0.15});
        assertArrayEquals(run(new Sampler(PLAIN.withSeed(s.seed())), logits, 50), run(s, logits, 50));
    }

    private static int[] run(Sampler s, float[] logits, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = s.sample(logits);
        }
        return out;
    }

    @Test
    void greedyTakesTheArgmaxWithTiesToTheLowestId() {
        Sampler greedy = new Sampler(SamplerConfig.greedy().withPenalties(1f, 0, 0, 0));
        assertEquals(1, greedy.sample(new float[] {1f, 5f, 5f, 2f}));
        assertEquals(0, greedy.sample(new float[] {-1f, -1f}));
        assertEquals(2, greedy.sample(new float[] {Float.NEGATIVE_INFINITY, -3f, 7f}));
    }

    @Test
    void penaltiesFollowLlamaCppAndOpenAiByHand() {
        float[] logits = {2f, -1f, 0.5f, 3f};
        Map<Integer, Integer> counts = new HashMap<>(Map.of(0, 2, 1, 1));
        Penalties.apply(logits, counts, PLAIN.withPenalties(2f, 64, 0.5f, 0.25f));
        // id 0: 2 / 2 - 0.5 - 2 × 0.25 = 0; id 1: -1 × 2 - 0.5 - 0.25 = -2.75; ids 2, 3 untouched
        assertArrayEquals(new float[] {0f, -2.75f, 0.5f, 3f}, logits, 1e-6f);
    }

    @Test
    void penaltiesLookOnlyAtTheLastNTokens() {
        // window of one token, penalty 1.5: 3 → 2 when id 0 was last, 2.9 → 1.93 when id 1 was
        Sampler s = new Sampler(SamplerConfig.greedy().withPenalties(1.5f, 1, 0, 0));
        float[] logits = {3f, 2.9f};
        s.accept(0);
        assertArrayEquals(new int[] {1, 0, 1, 0}, run(s, logits, 4));
        assertArrayEquals(new float[] {3f, 2.9f}, logits, "the caller's logits are left unchanged");
    }

    @Test
    void frequencyPenaltyCountsEveryOccurrenceInTheWindow() {
        Sampler s = new Sampler(SamplerConfig.greedy().withPenalties(1f, 3, 0f, 0.6f));
        for (int t : new int[] {1, 0, 0, 1}) {
            s.accept(t);
        }
        // window 0, 0, 1: id 0 at 3 - 2 × 0.6 = 1.8, id 1 at 2 - 0.6 = 1.4, id 2 at 1.7
        assertEquals(0, s.sample(new float[] {3f, 2f, 1.7f}));
        s.resetHistory();
        for (int t : new int[] {0, 0, 0}) {
            s.accept(t);
        }
        // window 0, 0, 0: id 0 at 3 - 3 × 0.6 = 1.2, id 1 at 1, id 2 at 1.7
        assertEquals(2, s.sample(new float[] {3f, 1f, 1.7f}));
    }

    @Test
    void badLogitsAreRejectedClearly() {
        Sampler s = new Sampler(PLAIN);
        assertEquals("cannot sample from an empty logits vector",
                assertThrows(IllegalArgumentException.class, () -> s.sample(new float[0])).getMessage());
        assertEquals("cannot sample: the highest logit is -Infinity", assertThrows(IllegalArgumentException.class,
                () -> s.sample(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY})).getMessage());
        assertEquals("logit of token 1 is NaN", assertThrows(IllegalArgumentException.class,
                () -> new Sampler(SamplerConfig.greedy()).sample(new float[] {0f, Float.NaN})).getMessage());
        assertNotEquals(null, s.config());
    }
}
