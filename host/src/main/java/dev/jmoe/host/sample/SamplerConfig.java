package dev.jmoe.host.sample;

/**
 * How to pick the next token from the logits; defaults and flag names follow llama.cpp.
 *
 * @param temperature      0 picks the most likely token (greedy); otherwise logits are divided by it
 * @param topK             keep the k most likely tokens; 0 keeps all
 * @param topP             keep the smallest set of most likely tokens whose probability reaches p; 1 is off
 * @param minP             drop tokens less likely than minP × the most likely one; 0 is off
 * @param repeatPenalty    over the last {@code repeatLastN} tokens, divide positive logits / multiply
 *                         negative ones by this; 1 is off
 * @param repeatLastN      how many recent tokens the three penalties look at; 0 turns them off
 * @param presencePenalty  subtracted once from a token that occurs in that window (OpenAI semantics)
 * @param frequencyPenalty subtracted per occurrence in that window (OpenAI semantics)
 * @param seed             seed of the random draw; the same seed gives the same tokens; -1 picks one at random
 */
public record SamplerConfig(float temperature, int topK, float topP, float minP,
                            float repeatPenalty, int repeatLastN,
                            float presencePenalty, float frequencyPenalty, long seed) {

    /** The seed value that asks for a random seed. */
    public static final long RANDOM_SEED = -1;

    public SamplerConfig {
        require(Float.isFinite(temperature) && temperature >= 0,
                "temperature must be >= 0 (0 = greedy), got " + temperature);
        require(topK >= 0, "top_k must be >= 0 (0 = off), got " + topK);
        require(topP > 0 && topP <= 1, "top_p must be in (0, 1], got " + topP);
        require(minP >= 0 && minP <= 1, "min_p must be in [0, 1], got " + minP);
        require(Float.isFinite(repeatPenalty) && repeatPenalty > 0,
                "repeat_penalty must be > 0 (1 = off), got " + repeatPenalty);
        require(repeatLastN >= 0, "repeat_last_n must be >= 0 (0 = off), got " + repeatLastN);
        require(presencePenalty >= -2 && presencePenalty <= 2,
                "presence_penalty must be in [-2, 2], got " + presencePenalty);
        require(frequencyPenalty >= -2 && frequencyPenalty <= 2,
                "frequency_penalty must be in [-2, 2], got " + frequencyPenalty);
    }

    /** llama.cpp's defaults: temp 0.8, top_k 40, top_p 0.95, min_p 0.05, penalties off, last_n 64, random seed. */
    public static SamplerConfig defaults() {
        return new SamplerConfig(0.8f, 40, 0.95f, 0.05f, 1.0f, 64, 0f, 0f, RANDOM_SEED);
    }

    /** Greedy decoding: always the most likely token after penalties. */
    public static SamplerConfig greedy() {
        return defaults().withTemperature(0f);
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }

    public boolean hasPenalties() {
        return repeatLastN > 0 && (repeatPenalty != 1f || presencePenalty != 0f || frequencyPenalty != 0f);
    }

    public SamplerConfig withTemperature(float t) {
        return new SamplerConfig(t, topK, topP, minP, repeatPenalty, repeatLastN, presencePenalty, frequencyPenalty, seed);
    }

    public SamplerConfig withTruncation(int k, float p, float min) {
        return new SamplerConfig(temperature, k, p, min, repeatPenalty, repeatLastN, presencePenalty, frequencyPenalty, seed);
    }

    public SamplerConfig withPenalties(float repeat, int lastN, float presence, float frequency) {
        return new SamplerConfig(temperature, topK, topP, minP, repeat, lastN, presence, frequency, seed);
    }

    public SamplerConfig withSeed(long s) {
        return new SamplerConfig(temperature, topK, topP, minP, repeatPenalty, repeatLastN, presencePenalty, frequencyPenalty, s);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
