package dev.jmoe.host.server;

import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.EngineOptions;
import dev.jmoe.host.engine.Session;
import dev.jmoe.host.tokenizer.Tokenizer;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * What a greedy completion must be, computed on the engine directly (no server, no sampler): evaluate the
 * prompt, take the argmax (lowest id on ties), feed it back, stop at an end-of-generation token or after
 * {@code max} tokens.
 */
final class GreedyReference {
    record Completion(int[] tokens, boolean endedByEog) {}

    private GreedyReference() {}

    static Completion generate(Path model, int context, int[] prompt, int max) {
        try (Engine engine = Engine.load(model, EngineOptions.defaults(1).withContext(context))) {
            Tokenizer tokenizer = Tokenizer.of(engine.model());
            Session session = engine.newSession();
            float[] logits = session.evaluate(prompt);
            int[] out = new int[max];
            for (int n = 0; n < max; n++) {
                int token = argmax(logits);
                out[n] = token;
                if (tokenizer.isEog(token)) return new Completion(Arrays.copyOf(out, n + 1), true);
                if (n + 1 < max) logits = session.evaluate(new int[] {token});
            }
            return new Completion(out, false);
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
