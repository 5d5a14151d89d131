package dev.jmoe.host.model;

import dev.jmoe.host.kernel.WeightMatrix;

/** A SwiGLU feed-forward network, {@code down(silu(gate·h) · up·h)}: a dense layer's FFN or DeepSeek's shared experts. */
public record DenseFfnWeights(WeightMatrix gate, WeightMatrix up, WeightMatrix down) {}
