package dev.jmoe.host.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Perplexity arithmetic against values worked out by hand. */
class NllStatisticsTest {
    @Test
    void uniformLogitsGiveThePerplexityOfTheVocabularySize() {
        float[] logits = new float[2 * 50]; // two rows of 50 equal logits
        java.util.Arrays.fill(logits, 3.25f);
        NllStatistics s = new NllStatistics();
        s.add(NllStatistics.nll(logits, 0, 50, 7));
        s.add(NllStatistics.nll(logits, 1, 50, 49));
        assertEquals(50, s.perplexity(), 1e-9);
        assertEquals(0, s.perplexityError(), 1e-9);
    }

    @Test
    void nllIsMinusTheLogOfTheSoftmaxProbability() {
        // softmax([0, ln 3]) = [1/4, 3/4]
        float[] logits = {0f, (float) Math.log(3)};
        assertEquals(Math.log(4.0 / 3), NllStatistics.nll(logits, 0, 2, 1), 1e-7);
        assertEquals(Math.log(4), NllStatistics.nll(logits, 0, 2, 0), 1e-7);
    }

    @Test
    void errorIsTheStandardErrorOfTheMeanCarriedThroughExp() {
        NllStatistics s = new NllStatistics();
        s.add(1.0);
        s.add(3.0);
        // mean 2, population variance 1, standard error sqrt(1 / (2 - 1)) = 1
        assertEquals(Math.exp(2), s.perplexity(), 1e-12);
        assertEquals(Math.exp(2) * 1.0, s.perplexityError(), 1e-12);
    }

    @Test
    void emptyStatisticsHaveNoPerplexity() {
        assertThrows(IllegalStateException.class, () -> new NllStatistics().perplexity());
    }

    @Test
    void chunksFollowTheTextLengthAndTheLimit() {
        Perplexity p = new Perplexity(128, 64, -1);
        assertEquals(84, p.chunks(10811, -1));
        assertEquals(8, p.chunks(10811, 8));
        assertThrows(IllegalArgumentException.class, () -> new Perplexity(2, 1, -1));
    }
}
