package dev.jmoe.host.sample;

import java.util.Map;

/**
 * Repetition penalty (llama.cpp: a positive logit is divided by the penalty, a negative one
 * multiplied, so the token always becomes less likely) followed by OpenAI's presence and frequency
 * penalties ({@code logit -= presence + frequency × count}), all over the same recent-token window.
 */
final class Penalties {

    private Penalties() {
    }

    /** Applies the penalties to {@code logits} in place for every token in {@code counts}. */
    static void apply(float[] logits, Map<Integer, Integer> counts, SamplerConfig config) {
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            int token = e.getKey();
            if (token < 0 || token >= logits.length) {
                continue; // a token from a larger vocabulary than these logits cannot be penalized
            }
            int count = e.getValue();
            float logit = logits[token];
            logit = logit > 0 ? logit / config.repeatPenalty() : logit * config.repeatPenalty();
            logits[token] = logit - config.presencePenalty() - config.frequencyPenalty() * count;
        }
    }
}
