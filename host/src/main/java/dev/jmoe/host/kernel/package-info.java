/**
 * CPU kernels: products of quantized GGML weights with activations, on the Vector API.
 *
 * <p>Layers, each tested against the one below it:
 * <ol>
 *   <li>{@link dev.jmoe.host.kernel.ScalarDequant} and {@link dev.jmoe.host.kernel.ScalarDot}: the
 *       reference, one literal block decoder per layout (checked by hand-built blocks and against the F32
 *       test models).</li>
 *   <li>{@link dev.jmoe.host.kernel.ActivationQuantizer}: activations prepared as the reference does
 *       (q8_2 blocks of 32 with bf16 scales for the 32-element types (IQ4_NL among them) and Q4_K/Q5_K/Q6_K,
 *       Q8_K super-blocks for Q2_K/Q3_K/IQ4_XS, floats for float weights), so the quant products are exact
 *       integers.</li>
 *   <li>{@link dev.jmoe.host.kernel.RowDot}: one weight row with one (or four) activation rows;
 *       {@link dev.jmoe.host.kernel.RowDots#preferred()} is the Vector API kernel at this machine's width.</li>
 *   <li>{@link dev.jmoe.host.kernel.MatMul} on a {@link dev.jmoe.host.kernel.WorkerPool}: matvec, matmul and
 *       the expert-grouped product.</li>
 *   <li>{@link dev.jmoe.host.kernel.KernelBenchmark}: what {@code jmoe bench kernels} measures.</li>
 * </ol>
 */
package dev.jmoe.host.kernel;
