package dev.jmoe.host.model;

/**
 * How a MoE layer picks and weighs its experts, from the {@code expert_*} metadata.
 * <ul>
 *   <li>{@link Gating#SOFTMAX}: probabilities over all experts (Mixtral, Qwen3-MoE, DeepSeek-V2);
 *       {@link Gating#SIGMOID}: an independent score per expert (DeepSeek-V3, Kimi K2).</li>
 *   <li>Selection is the top {@code used} of score + the layer's bias ({@code exp_probs_b}, where present);
 *       the weights are the unbiased scores of the chosen, divided by their sum when {@code normalize}, times
 *       {@code scale}.</li>
 *   <li>With {@code groups} &gt; 1 the experts form equal groups; a group's rank is the sum of its two best
 *       biased scores, and only experts of the best {@code groupsUsed} groups can be chosen.</li>
 * </ul>
 */
public record RouterSpec(Gating gating, int used, boolean normalize, float scale, int groups, int groupsUsed) {
    public enum Gating { SOFTMAX, SIGMOID }

    public RouterSpec {
        if (groups < 1 || groupsUsed < 1 || groupsUsed > groups) {
            throw new UnsupportedModelException("expert groups: " + groupsUsed + " used of " + groups);
        }
    }

    /** Softmax, top {@code used}, renormalised: the llama-family rule. */
    public static RouterSpec softmaxTopK(int used) {
        return new RouterSpec(Gating.SOFTMAX, used, true, 1f, 1, 1);
    }
}
