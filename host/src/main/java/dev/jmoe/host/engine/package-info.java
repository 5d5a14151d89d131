/**
 * Running a model: {@link dev.jmoe.host.engine.Engine} loads it, {@link dev.jmoe.host.engine.Session} evaluates
 * tokens in micro-batches over a {@link dev.jmoe.host.engine.KvCache}; {@link dev.jmoe.host.engine.Engine#decode}
 * takes one decode step of several sessions in one pass (continuous batching). Each architecture's forward pass
 * implements {@link dev.jmoe.host.engine.Forward} (one sequence's micro-batch, and the batched decode step);
 * {@link dev.jmoe.host.engine.TransformerForward} is written against the {@link dev.jmoe.host.engine.Backend} ops;
 * {@link dev.jmoe.host.engine.CpuBackend} implements them with the CPU kernels, and the MoE FFN goes through the
 * {@link dev.jmoe.host.engine.ExpertExecutor}, which groups a micro-batch's tokens per expert.
 *
 * <p>Where a new family fits: DeepSeek's MLA needs its own attention pair (store the compressed latent and the
 * shared rope key; attend with the absorbed or expanded kv_b projection) and sigmoid routing with a bias; both
 * are new Backend ops and a second forward class, leaving the llama family's code untouched.
 */
package dev.jmoe.host.engine;
