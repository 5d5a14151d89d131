/**
 * What a model is: its architecture and shape from GGUF metadata ({@link dev.jmoe.host.model.ModelConfig},
 * {@link dev.jmoe.host.model.Architecture}), its tensors bound to their roles and checked against that shape
 * and the kernels ({@link dev.jmoe.host.model.ModelWeights}), and where each tensor lives
 * ({@link dev.jmoe.host.model.Placement}). Supported: {@code llama} (dense, or with experts as Mixtral),
 * {@code qwen3}, {@code qwen3moe}; {@code deepseek2} is recognised and refused until its MLA forward pass exists.
 */
package dev.jmoe.host.model;
