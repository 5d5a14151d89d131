package dev.jmoe.host.sample;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the next token from a logits vector. The chain, in llama.cpp's default order:
 *
 * <ol>
 *   <li>penalties (repetition, presence, frequency) over the last {@code repeat_last_n} tokens;
 *   <li>temperature 0: the argmax, ties to the lowest id, and stop here;
 *   <li>top-k (partial selection), top-p, min-p — probabilities for these at temperature 1;
 *   <li>temperature, then a draw from the survivors with the seeded generator.
 * </ol>
 *
 * One sampler per sequence: it remembers the tokens it produced (and those given to {@link #accept})
 * for the penalties, and its generator advances with every draw. Not thread-safe.
 */
public final class Sampler {

    private final SamplerConfig config;
    private final long seed;
    private final SplittableRandom random;
    private final TokenHistory history;

    public Sampler(SamplerConfig config) {
        this.config = config;
        this.seed = config.seed() == SamplerConfig.RANDOM_SEED
                ? ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE
                : config.seed();
        this.random = new SplittableRandom(seed);
        this.history = new TokenHistory(config.repeatLastN());
    }

    public SamplerConfig config() {
        return config;
    }

    /** The seed in use: the configured one, or the one picked for seed -1 (print it to reproduce a run). */
    public long seed() {
        return seed;
    }

    /** Records a token the penalties should know about (prompt tokens); sampled tokens are recorded already. */
    public void accept(int token) {
        history.add(token);
    }

    /** Forgets the recent tokens (a new conversation); the generator keeps its state. */
    public void resetHistory() {
        history.clear();
    }

    /** The next token for these logits (left unchanged), recorded in the history. */
    public int sample(float[] logits) {
        float[] work = logits;
        if (config.hasPenalties()) {
            work = logits.clone();
            Penalties.apply(work, history.counts(), config);
        }
        int token = config.isGreedy() ? argmax(work) : draw(work);
        history.add(token);
        return token;
    }

    private int draw(float[] logits) {
        Candidates c = Candidates.best(logits, config.topK());
        if (!Float.isFinite(c.logits[0])) {
            throw new IllegalArgumentException("cannot sample: the highest logit is " + c.logits[0]);
        }
        c.keepTopP(config.topP());
        c.keepMinP(config.minP());
        double[] p = c.probabilities(config.temperature());
        double u = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < c.size; i++) {
            cumulative += p[i];
            if (u < cumulative) {
                return c.ids[i];
            }
        }
        return c.ids[c.size - 1]; // u fell in the rounding gap below 1.0
    }

    /** The most likely token; the lowest id wins a tie. */
    static int argmax(float[] logits) {
        if (logits.length == 0) {
            throw new IllegalArgumentException("cannot sample from an empty logits vector");
        }
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            } else if (Float.isNaN(logits[i])) {
                throw new IllegalArgumentException("logit of token " + i + " is NaN");
            }
        }
        if (Float.isNaN(logits[best])) {
            throw new IllegalArgumentException("logit of token " + best + " is NaN");
        }
        return best;
    }
}
