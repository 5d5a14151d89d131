/**
 * Running a model: {@link dev.jmoe.host.engine.Engine} loads it, {@link dev.jmoe.host.engine.Session} evaluates
 * tokens in micro-batches over a {@link dev.jmoe.host.engine.KvCache}; {@link dev.jmoe.host.engine.Engine#decode}
 * takes one decode step of several sessions in one pass (continuous batching). The forward pass
 * ({@link dev.jmoe.host.engine.Forward}, implemented by {@link dev.jmoe.host.engine.TransformerForward}) is written
 * once against the {@link dev.jmoe.host.engine.Backend} ops for every architecture: a block is an attention kind
 * ({@link dev.jmoe.host.engine.GroupedQueryAttention}, or {@link dev.jmoe.host.engine.LatentAttention} for
 * DeepSeek's MLA over a compressed cache) and a {@link dev.jmoe.host.engine.FeedForward} (routed experts through
 * the {@link dev.jmoe.host.engine.ExpertExecutor}, which groups a micro-batch's tokens per expert, and/or a dense
 * SwiGLU). {@link dev.jmoe.host.engine.CpuBackend} implements the ops with the CPU kernels; routing rules
 * (softmax or sigmoid, selection bias, groups) are data ({@link dev.jmoe.host.model.RouterSpec}), not code paths.
 */
package dev.jmoe.host.engine;
