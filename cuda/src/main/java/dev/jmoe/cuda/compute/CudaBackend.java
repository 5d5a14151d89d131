package dev.jmoe.cuda.compute;

import dev.jmoe.host.engine.AttentionShape;
import dev.jmoe.host.engine.Backend;
import dev.jmoe.host.engine.DeviceBackend;
import dev.jmoe.host.engine.DeviceTensor;
import dev.jmoe.host.engine.KvCache;
import dev.jmoe.host.engine.RopeSpec;
import dev.jmoe.host.engine.Routing;
import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.kernel.WeightMatrix;
import dev.jmoe.host.model.RouterSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CUDA backend, first slice: the weight products of the matrices the plan put on a GPU run there
 * ({@link GpuMatmul} on the copies {@link GpuWeights} holds); every other op, and every product whose weights
 * stayed on the host, runs on the host backend. Activations live on the host between ops, so each GPU
 * product moves its inputs and outputs across PCIe; device-resident activations, attention and the expert
 * path on the GPU come next (issue notes say what is where).
 */
public final class CudaBackend implements DeviceBackend {
    private static final Logger log = LoggerFactory.getLogger(CudaBackend.class);

    private final Backend host;
    private final Map<Integer, CudaContext> contexts;
    private final Map<Integer, GpuMatmul> matmuls;
    private final GpuWeights weights;

    private CudaBackend(Backend host, Map<Integer, CudaContext> contexts, Map<Integer, GpuMatmul> matmuls, GpuWeights weights) {
        this.host = host;
        this.contexts = contexts;
        this.matmuls = matmuls;
        this.weights = weights;
    }

    /** Opens every device {@code tensors} name and copies their matrices there; closes what it opened when that fails. */
    public static CudaBackend open(List<DeviceTensor> tensors, Backend host) {
        Map<Integer, CudaContext> contexts = new TreeMap<>();
        Map<Integer, GpuMatmul> matmuls = new TreeMap<>();
        try {
            for (DeviceTensor t : tensors) {
                int d = t.device().index();
                if (!contexts.containsKey(d)) {
                    CudaContext c = CudaContext.open(d);
                    contexts.put(d, c);
                    matmuls.put(d, new GpuMatmul(c));
                }
            }
            GpuWeights weights = GpuWeights.upload(tensors, contexts);
            long skipped = tensors.stream().filter(t -> !t.isMatrix() && t.shape().length == 3).count();
            if (skipped > 0) log.info("{} expert tensors placed on a GPU run on the CPU from host memory (no GPU expert path yet)", skipped);
            log.info("CUDA: {} MiB of weights on {}, products on {}", weights.bytes() >> 20,
                    contexts.keySet().stream().map(i -> "CUDA" + i).toList(), matmuls.values().iterator().next().gemmName());
            return new CudaBackend(host, contexts, matmuls, weights);
        } catch (RuntimeException | Error e) {
            matmuls.values().forEach(GpuMatmul::close);
            contexts.values().forEach(CudaContext::close);
            throw e;
        }
    }

    @Override
    public void matmul(WeightMatrix w, float[] x, int tokens, float[] out) {
        GpuWeights.Matrix m = weights.find(w.data().address());
        if (m == null || m.type() != w.type()) {
            host.matmul(w, x, tokens, out);
            return;
        }
        matmuls.get(m.device()).multiply(m.memory().address(), w.type(), w.cols(), w.rows(), x, tokens, out);
    }

    @Override
    public void experts(ExpertWeights w, float[] x, int tokens, int[] pairToken, int[] pairExpert, float[] out) {
        host.experts(w, x, tokens, pairToken, pairExpert, out);
    }

    @Override
    public void embed(WeightMatrix table, int[] tokens, int from, int count, float[] out) {
        host.embed(table, tokens, from, count, out);
    }

    @Override
    public void rmsNorm(float[] x, int rows, int dim, float[] weight, float eps, float[] out) {
        host.rmsNorm(x, rows, dim, weight, eps, out);
    }

    @Override
    public void rope(float[] x, int tokens, int heads, int headSize, int[] positions, RopeSpec rope) {
        host.rope(x, tokens, heads, headSize, positions, rope);
    }

    @Override
    public void storeKv(KvCache.Layer kv, float[] k, float[] v, int tokens, int[] positions) {
        host.storeKv(kv, k, v, tokens, positions);
    }

    @Override
    public void attention(float[] q, int tokens, int[] positions, KvCache.Layer kv, AttentionShape shape, float[] out) {
        host.attention(q, tokens, positions, kv, shape, out);
    }

    @Override
    public Routing route(float[] logits, int tokens, int experts, RouterSpec spec, float[] bias) {
        return host.route(logits, tokens, experts, spec, bias);
    }

    @Override
    public void swiglu(float[] gate, float[] up, int n, float[] out) {
        host.swiglu(gate, up, n, out);
    }

    @Override
    public void add(float[] acc, float[] x, int n) {
        host.add(acc, x, n);
    }

    @Override
    public long deviceWeightBytes() {
        return weights.bytes();
    }

    @Override
    public void close() {
        weights.close();
        matmuls.values().forEach(GpuMatmul::close);
        contexts.values().forEach(CudaContext::close);
    }
}
