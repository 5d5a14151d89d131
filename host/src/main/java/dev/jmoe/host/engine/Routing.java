package dev.jmoe.host.engine;

/**
 * The experts chosen for each token of a micro-batch: token t uses experts[t·used + j] with weight
 * weights[t·used + j], j in selection order (descending router probability).
 */
public record Routing(int tokens, int used, int[] experts, float[] weights) {}
