package dev.jmoe.host.model;

import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.kernel.WeightMatrix;

/**
 * The routed experts of one MoE layer: the router ({@code ffn_gate_inp}), the optional selection bias
 * ({@code exp_probs_b}, null where absent) and the 3-D gate, up and down expert tensors.
 */
public record MoeWeights(WeightMatrix router, float[] selectionBias, ExpertWeights gate, ExpertWeights up, ExpertWeights down) {}
