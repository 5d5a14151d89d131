package dev.jmoe.host.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Truncation steps against hand-computed survivor sets. */
class CandidatesTest {

    /** Probabilities 0.5, 0.2, 0.15, 0.1, 0.05 on ids 3, 0, 4, 1, 2. */
    private static final float[] FIVE = logitsOf(new double[] {0.2, 0.1, 0.05, 0.5, 0.15});

    static float[] logitsOf(double[] probabilities) {
        float[] l = new float[probabilities.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) Math.log(probabilities[i]);
        }
        return l;
    }

    private static int[] survivors(Candidates c) {
        return Arrays.copyOf(c.ids, c.size);
    }

    @Test
    void topKKeepsTheKBestWithTiesToTheLowerId() {
        float[] logits = {1f, 3f, 2f, 0f, 3f, -0f};
        assertArrayEquals(new int[] {1, 4}, survivors(Candidates.best(logits, 2)));
        assertArrayEquals(new int[] {1, 4, 2}, survivors(Candidates.best(logits, 3)));
        assertArrayEquals(new int[] {1, 4, 2, 0, 3, 5}, survivors(Candidates.best(logits, 0)));
        assertArrayEquals(new int[] {1, 4, 2, 0, 3, 5}, survivors(Candidates.best(logits, 99)));
    }

    @Test
    void partialSelectionMatchesAFullSortOnALargeVocabulary() {
        Random r = new Random(7);
        float[] logits = new float[262_144];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = Math.round(r.nextGaussian() * 400) / 100f; // coarse values: many ties
        }
        Integer[] order = IntStream.range(0, logits.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i));
        int[] expected = Arrays.stream(order, 0, 40).mapToInt(Integer::intValue).toArray();
        assertArrayEquals(expected, survivors(Candidates.best(logits, 40)));
    }

    @Test
    void topPKeepsTheShortestPrefixReachingP() {
        Candidates c = Candidates.best(FIVE, 0);
        c.keepTopP(0.6f); // cumulative 0.5, 0.7
        assertArrayEquals(new int[] {3, 0}, survivors(c));

        Candidates all = Candidates.best(FIVE, 0);
        all.keepTopP(0.8f); // 0.5, 0.7, 0.85
        assertArrayEquals(new int[] {3, 0, 4}, survivors(all));

        Candidates one = Candidates.best(FIVE, 0);
        one.keepTopP(0.01f);
        assertArrayEquals(new int[] {3}, survivors(one));
    }

    @Test
    void topPRenormalisesOverWhatTopKLeft() {
        Candidates c = Candidates.best(FIVE, 4); // 0.5, 0.2, 0.15, 0.1 over 0.95: cumulative .526 .737 .895
        c.keepTopP(0.88f); // without renormalising the third would end at 0.85 < 0.88 and keep four
        assertArrayEquals(new int[] {3, 0, 4}, survivors(c));
    }

    @Test
    void minPIsRelativeToTheMostLikelyToken() {
        Candidates c = Candidates.best(FIVE, 0);
        c.keepMinP(0.25f); // threshold 0.125
        assertArrayEquals(new int[] {3, 0, 4}, survivors(c));
        Candidates d = Candidates.best(FIVE, 0);
        d.keepMinP(0.35f); // threshold 0.175
        assertArrayEquals(new int[] {3, 0}, survivors(d));
    }

    @Test
    void temperatureSharpensAndFlattens() {
        Candidates c = Candidates.best(logitsOf(new double[] {0.2, 0.8}), 0);
        assertArrayEquals(new double[] {0.8, 0.2}, c.probabilities(1f), 1e-6);
        // T = 0.5 squares the probabilities: 0.64 / 0.68, 0.04 / 0.68
        assertArrayEquals(new double[] {0.64 / 0.68, 0.04 / 0.68}, c.probabilities(0.5f), 1e-6);
        // T = 2 takes square roots: sqrt(.8) / (sqrt(.8) + sqrt(.2)) = 2/3
        assertArrayEquals(new double[] {2 / 3.0, 1 / 3.0}, c.probabilities(2f), 1e-6);
    }

    @Test
    void nanLogitsAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Candidates.best(new float[] {0f, Float.NaN}, 1));
        assertEquals("logit of token 1 is NaN", e.getMessage());
    }
}
