package dev.jmoe.host.engine;

/**
 * The forward pass of one architecture, as {@link Session} and {@link Engine} call it. One call at a time
 * (the backend keeps scratch); the caches belong to the caller's sessions.
 */
public interface Forward {
    /**
     * Runs tokens[from .. from+n) of one sequence at positions pos0 .. pos0+n-1 of {@code cache} and returns
     * the logits [outputs][vocab] of the last {@code outputs} of them (0 ≤ outputs ≤ n).
     */
    float[] forward(int[] tokens, int from, int n, int pos0, KvCache cache, int outputs);

    /**
     * One decode step of several sequences in one pass (continuous batching): token s goes to position
     * positions[s] of caches[s]. Weight products run over all the tokens together; each sequence's keys,
     * values and attention stay in its own cache. Returns the logits [sequences][vocab], row s equal to what
     * {@link #forward} gives for that token alone.
     */
    float[] decode(int[] tokens, int[] positions, KvCache[] caches);
}
