package dev.jmoe.cuda.compute;

import dev.jmoe.host.engine.AttentionShape;
import dev.jmoe.cuda.CudaGpuProbe;
import dev.jmoe.cuda.JCudaDeviceCopies;
import dev.jmoe.cuda.staging.CudaAccelerator;
import dev.jmoe.cuda.staging.ExpertTensor;
import dev.jmoe.cuda.staging.PcieSnapshot;
import dev.jmoe.cuda.staging.PinMode;
import dev.jmoe.cuda.staging.PinRefusedException;
import dev.jmoe.cuda.staging.StagingOptions;
import dev.jmoe.host.engine.Backend;
import dev.jmoe.host.engine.DeviceBackend;
import dev.jmoe.host.engine.DeviceFailureException;
import dev.jmoe.host.engine.DeviceTensor;
import dev.jmoe.host.engine.KvCache;
import dev.jmoe.host.engine.OffloadBatchSize;
import dev.jmoe.host.engine.OffloadOptions;
import dev.jmoe.host.engine.OffloadRule;
import dev.jmoe.host.engine.RopeSpec;
import dev.jmoe.host.engine.TransferTotals;
import dev.jmoe.host.engine.Routing;
import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.kernel.WeightMatrix;
import dev.jmoe.host.mem.MemInfo;
import dev.jmoe.host.model.RouterSpec;
import dev.jmoe.host.model.TensorKind;
import dev.jmoe.host.server.Accelerator;
import dev.jmoe.host.topo.GpuProbe;
import dev.jmoe.host.topo.PciLinkReader;
import dev.jmoe.host.topo.SysTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * The CUDA backend, first slices: the weight products of the matrices the plan put on a GPU run there
 * ({@link GpuMatmul} on the copies {@link GpuWeights} holds), and so do the products of expert stacks placed there
 * (each routed expert over its tokens, for every micro-batch); the expert products of micro-batches large enough
 * for the offload rule run there too for host experts, uploaded through the staging layer
 * ({@link DeviceExperts}); the attention of the layers whose KV cache the plan put on a GPU runs there over a
 * device mirror of the cache ({@link GpuAttention}); every other op, and every product whose weights stayed on the
 * host, runs on the host backend. Activations live on the host between ops, so each GPU op moves its inputs and
 * outputs across PCIe; device-resident activations come next (issue notes say what is where).
 */
public final class CudaBackend implements DeviceBackend {
    private static final Logger log = LoggerFactory.getLogger(CudaBackend.class);

    private final Backend host;
    /** Host address of a matrix → its copy on a device, or null where it stayed on the host. */
    private final LongFunction<GpuWeights.Matrix> matrices;
    private final Map<Integer, ExpertProduct> products;
    private final Map<Integer, KvAttention> attentions;
    /** The GPU expert path, or null where no host experts are staged. */
    private final DeviceExperts experts;
    private final long weightBytes;
    private final String devices;
    /** Everything the open made, in opening order; closed in reverse. */
    private final List<AutoCloseable> resources;
    /** Why the GPU was dropped, once a device op failed; from then on every op runs on the host. */
    private volatile String failure;

    /**
     * The backend over these parts: {@link #open} gives the real ones, tests give doubles for the device ones (no
     * GPU in CI); closing it closes {@code resources}, newest first.
     */
    public CudaBackend(Backend host, LongFunction<GpuWeights.Matrix> matrices, Map<Integer, ExpertProduct> products,
                Map<Integer, KvAttention> attentions, DeviceExperts experts, long weightBytes, List<AutoCloseable> resources) {
        this.host = host;
        this.matrices = matrices;
        this.products = Map.copyOf(products);
        this.attentions = Map.copyOf(attentions);
        this.experts = experts;
        this.weightBytes = weightBytes;
        this.devices = String.join(", ", new TreeMap<>(products).keySet().stream().map(i -> "CUDA" + i).toList());
        this.resources = List.copyOf(resources);
    }

    /**
     * Opens every device {@code tensors} places something on, copies their matrices there, and stages the host
     * expert tensors for large micro-batches on the first of them; closes what it opened when that fails.
     */
    public static CudaBackend open(List<DeviceTensor> tensors, int expertsUsed, OffloadOptions offload, Backend host) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Map<Integer, CudaContext> contexts = new TreeMap<>();
            Map<Integer, GpuMatmul> matmuls = new TreeMap<>();
            Map<Integer, KvAttention> attentions = new TreeMap<>();
            for (DeviceTensor t : tensors) {
                int d = t.device().index();
                if (t.device().isCpu() || contexts.containsKey(d)) continue;
                CudaContext c = add(opened, CudaContext.open(d));
                contexts.put(d, c);
                matmuls.put(d, add(opened, new GpuMatmul(c)));
                attentions.put(d, add(opened, new GpuAttention(c)));
            }
            if (contexts.isEmpty()) throw new IllegalArgumentException("the plan puts no tensor on a GPU");
            GpuWeights weights = add(opened, GpuWeights.upload(tensors, contexts));
            int first = contexts.keySet().iterator().next();   // the expert GPU: where the plan counted the staging ring
            GpuMatmul firstMatmul = matmuls.get(first);
            DeviceExperts deviceExperts = deviceExperts(tensors, expertsUsed, offload, host, first, firstMatmul, opened);
            log.info("CUDA: {} MiB of weights on {}, products on {}", weights.bytes() >> 20,
                    contexts.keySet().stream().map(i -> "CUDA" + i).toList(), firstMatmul.gemmName());
            Map<Integer, ExpertProduct> products = new TreeMap<>();
            products.putAll(matmuls);
            return new CudaBackend(host, weights::find, products, attentions, deviceExperts, weights.bytes(), opened);
        } catch (RuntimeException | Error e) {
            closeAll(opened);
            throw e;
        }
    }

    /** The GPU expert path for the host experts, or null (with one line) when there are none or it cannot open. */
    private static DeviceExperts deviceExperts(List<DeviceTensor> tensors, int expertsUsed, OffloadOptions offload, Backend host,
                                               int device, GpuMatmul matmul, List<AutoCloseable> opened) {
        List<ExpertTensor> hostExperts = hostExperts(tensors);
        if (hostExperts.isEmpty() || expertsUsed <= 0) return null;
        JCudaDeviceCopies copies = null;
        try {
            copies = JCudaDeviceCopies.open(device);
            OffloadRule rule = rule(offload, tensors, expertsUsed, copies, matmul, host);
            StagingOptions staging = StagingOptions.of(offload.expertPin(), offload.pinCacheGib(), offload.pinEager(), MemInfo.availableBytes())
                    .nearNode(numaNodeOf(device));
            DeviceExperts d = DeviceExperts.open(hostExperts, copies, staging, rule, expertsUsed, matmul, log::warn);
            log.info(rule.reason());
            opened.add(copies);
            opened.add(d);
            return d;
        } catch (RuntimeException e) {   // e.g. no room for the staging slots: the experts stay on the CPU
            log.warn("prompt processing keeps the experts on the CPU: {}", e.getMessage());
            if (copies != null) copies.close();
            return null;
        }
    }

    /** The NUMA node CUDA device {@code ordinal} hangs off (sysfs, by its PCI bus id); empty where it is not known. */
    private static OptionalInt numaNodeOf(int ordinal) {
        GpuProbe.Report report = new CudaGpuProbe().probe();
        return report.devices().stream().filter(d -> d.index() == ordinal).findFirst()
                .map(d -> new PciLinkReader(SysTree.live()).numaNode(d.pciBusId())).orElse(OptionalInt.empty());
    }

    private static <T extends AutoCloseable> T add(List<AutoCloseable> opened, T resource) {
        opened.add(resource);
        return resource;
    }

    /** Closes {@code resources} newest first; one that fails to close does not keep the others open. */
    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.debug("closing {} failed", resources.get(i), e);
            }
        }
    }

    /** The host {@code _exps} tensors the GPU can multiply, as the staging layer names them. */
    private static List<ExpertTensor> hostExperts(List<DeviceTensor> tensors) {
        List<ExpertTensor> out = new ArrayList<>();
        for (DeviceTensor t : tensors) {
            if (t.isHostExperts() && GpuMatmul.supports(t.type())) out.add(ExpertTensor.of(t.name(), t.data(), (int) t.shape()[2]));
        }
        return out;
    }

    /** {@code --offload-batch-size}: the fixed threshold, or for {@code auto} one from costs measured now. */
    private static OffloadRule rule(OffloadOptions offload, List<DeviceTensor> tensors, int used, JCudaDeviceCopies copies,
                                    ExpertProduct gpu, Backend host) {
        if (offload.batchSize() instanceof OffloadBatchSize.Fixed f) return OffloadRule.fixed(f.threshold());
        OffloadCalibration.Layer layer = firstHostLayer(tensors);
        String fallback = "MoE layers on the GPU when batch × n_expert_used ≥ " + OffloadRule.DEFAULT_THRESHOLD + " × n_expert";
        if (layer == null) return new OffloadRule(OffloadRule.DEFAULT_THRESHOLD, "offload: auto: no host layer with gate, up and down experts to time; " + fallback);
        try {
            return OffloadCalibration.measure(layer, used, copies, gpu, host);
        } catch (PinRefusedException | RuntimeException e) {
            return new OffloadRule(OffloadRule.DEFAULT_THRESHOLD, "offload: auto: measuring failed (" + e.getMessage() + "); " + fallback);
        }
    }

    /** The first block whose gate, up and down experts all stayed on the host, as expert weights; null if none. */
    private static OffloadCalibration.Layer firstHostLayer(List<DeviceTensor> tensors) {
        Map<Integer, DeviceTensor[]> byBlock = new TreeMap<>();   // gate, up, down
        for (DeviceTensor t : tensors) {
            int role = t.name().contains("ffn_gate_exps") ? 0 : t.name().contains("ffn_up_exps") ? 1 : t.name().contains("ffn_down_exps") ? 2 : -1;
            if (!t.isHostExperts() || role < 0) continue;
            byBlock.computeIfAbsent(TensorKind.blockOf(t.name()), b -> new DeviceTensor[3])[role] = t;
        }
        for (DeviceTensor[] l : byBlock.values()) {
            if (l[0] != null && l[1] != null && l[2] != null) return new OffloadCalibration.Layer(weights(l[0]), weights(l[1]), weights(l[2]));
        }
        return null;
    }

    private static ExpertWeights weights(DeviceTensor t) {
        return new ExpertWeights(t.data(), t.type(), (int) t.shape()[0], (int) t.shape()[1], (int) t.shape()[2]);
    }

    @Override
    public void matmul(WeightMatrix w, float[] x, int tokens, float[] out) {
        GpuWeights.Matrix m = failure == null ? matrices.apply(w.data().address()) : null;
        if (m == null || m.type() != w.type()) {
            host.matmul(w, x, tokens, out);
            return;
        }
        try {
            products.get(m.device()).multiply(m.address(), w.type(), w.cols(), w.rows(), x, tokens, out);
        } catch (RuntimeException e) {
            throw dropGpu("a weight product on CUDA" + m.device(), e);
        }
    }

    @Override
    public void experts(ExpertWeights w, float[] x, int tokens, int[] pairToken, int[] pairExpert, float[] out) {
        GpuWeights.Matrix resident = failure == null ? matrices.apply(w.data().address()) : null;
        if (resident != null && resident.type() == w.type()) {
            long expertBytes = w.type().bytesFor(w.cols()) * w.rows();
            try {
                products.get(resident.device()).pairs(resident.address(), expertBytes, w.type(), w.cols(), w.rows(), w.experts(),
                        x, tokens, pairToken, pairExpert, out);
            } catch (RuntimeException e) {
                throw dropGpu("the expert products on CUDA" + resident.device(), e);
            }
            return;
        }
        if (failure != null || experts == null || !experts.offloads(w, pairExpert.length)) {
            host.experts(w, x, tokens, pairToken, pairExpert, out);
            return;
        }
        try {
            experts.run(w, x, pairToken, pairExpert, out);
        } catch (RuntimeException e) {
            throw dropGpu("the expert products on the GPU", e);
        }
    }

    /** Several products of the same activations: on the host together where every matrix stays there. */
    @Override
    public void matmul(WeightMatrix[] ws, float[] x, int tokens, float[][] outs) {
        for (WeightMatrix w : ws) {
            if (onDevice(w)) {
                for (int i = 0; i < ws.length; i++) matmul(ws[i], x, tokens, outs[i]);
                return;
            }
        }
        host.matmul(ws, x, tokens, outs);
    }

    /** Several expert stacks over the same pairs: on the host together where no stack is resident or offloaded. */
    @Override
    public void experts(ExpertWeights[] ws, float[] x, int tokens, int[] pairToken, int[] pairExpert, float[][] outs) {
        for (ExpertWeights w : ws) {
            if (onDevice(w, pairExpert.length)) {
                for (int i = 0; i < ws.length; i++) experts(ws[i], x, tokens, pairToken, pairExpert, outs[i]);
                return;
            }
        }
        host.experts(ws, x, tokens, pairToken, pairExpert, outs);
    }

    /** Whether {@link #matmul(WeightMatrix, float[], int, float[])} runs w's product on a GPU. */
    private boolean onDevice(WeightMatrix w) {
        GpuWeights.Matrix m = failure == null ? matrices.apply(w.data().address()) : null;
        return m != null && m.type() == w.type();
    }

    /** Whether {@link #experts(ExpertWeights, float[], int, int[], int[], float[])} runs w's products on a GPU. */
    private boolean onDevice(ExpertWeights w, int pairs) {
        if (failure != null) return false;
        GpuWeights.Matrix resident = matrices.apply(w.data().address());
        return resident != null && resident.type() == w.type() || experts != null && experts.offloads(w, pairs);
    }

    /**
     * A device op failed: from now on every op runs on the host (which kept its copy of the weights and the KV
     * cache), said once in the log; the exception fails the pass in progress, and so its request, with the reason.
     */
    private DeviceFailureException dropGpu(String op, RuntimeException e) {
        String reason = op + " failed: " + e.getMessage();
        synchronized (this) {
            if (failure == null) {
                failure = reason;
                log.error("CUDA error: {}; this request fails, the engine runs CPU-only from now on", reason, e);
            }
        }
        return new DeviceFailureException("CUDA error: " + reason + "; this request fails, the engine runs CPU-only from now on", e);
    }

    @Override
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void beginPass(int tokens) {
        if (experts == null || failure != null) return;
        try {
            experts.beginPass(tokens);
        } catch (RuntimeException e) {
            throw dropGpu("starting the first expert layer's upload", e);
        }
    }

    @Override
    public void endOfPass() {
        if (experts == null || failure != null) return;
        try {
            PcieSnapshot pass = experts.endOfPass();
            if (pass != null) log.debug("prefill {}", pass.line());
        } catch (RuntimeException e) {   // metering only: it must not hide the pass's own outcome (this runs in a finally)
            log.warn("closing the pass's PCIe figures failed: {}", e.getMessage());
        }
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

    /** The host cache is written in any case; a GPU layer's rows are mirrored on its device too. */
    @Override
    public void storeKv(KvCache.Layer kv, float[] k, float[] v, int tokens, int[] positions) {
        host.storeKv(kv, k, v, tokens, positions);
        KvAttention a = attentionFor(kv);
        if (a == null) return;
        try {
            a.store(kv, tokens, positions);
        } catch (RuntimeException e) {
            throw dropGpu("mirroring KV rows to " + kv.device().bufferName(), e);
        }
    }

    /** A GPU layer's attention runs on its device, over the mirror of its cache; the host's otherwise. */
    @Override
    public void attention(float[] q, int tokens, int[] positions, KvCache.Layer kv, AttentionShape shape, float[] out) {
        KvAttention a = attentionFor(kv);
        int last = 0;
        for (int t = 0; t < tokens; t++) last = Math.max(last, positions[t]);
        if (a == null || !GpuAttention.fits(shape) || !a.mirrors(kv, last)) {
            host.attention(q, tokens, positions, kv, shape, out);
            return;
        }
        try {
            a.attend(q, tokens, positions, kv, shape, out);
        } catch (RuntimeException e) {
            throw dropGpu("attention on " + kv.device().bufferName(), e);
        }
    }

    /** The attention of the device the placement put {@code kv} on, or null for a host layer (or a dropped GPU). */
    private KvAttention attentionFor(KvCache.Layer kv) {
        return kv.device().isCpu() || failure != null ? null : attentions.get(kv.device().index());
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
    public void combine(Routing r, float[] rows, int n, float[] out) {
        host.combine(r, rows, n, out);
    }

    /** The server's {@link Accelerator}: pin mode, its switch and the PCIe metrics, where host experts are staged. */
    @Override
    public <T> Optional<T> capability(Class<T> type) {
        if (type != Accelerator.class || experts == null || failure != null) return Optional.empty();
        String placement = "CUDA: %d MiB of weights on %s; host experts staged for prompts".formatted(weightBytes >> 20, devices);
        return Optional.of(type.cast(new CudaAccelerator(placement, experts.staging(), experts.meter())));
    }

    @Override
    public Optional<String> switchExpertPin(String mode) {
        if (experts == null || failure != null) return Optional.empty();
        return Optional.of(experts.staging().switchTo(PinMode.parse(mode)).flag());
    }

    @Override
    public Optional<TransferTotals> transferTotals() {
        if (experts == null) return Optional.empty();
        PcieSnapshot t = experts.total();
        return Optional.of(new TransferTotals(t.bytes(), t.copySeconds(), t.hits(), t.misses()));
    }

    @Override
    public Optional<String> transferSummary() {
        if (experts == null || experts.total().bytes() == 0) return Optional.empty();
        return Optional.of(experts.total().line() + " (expert-pin " + experts.staging().mode().flag() + ")");
    }

    @Override
    public long deviceWeightBytes() {
        return weightBytes;
    }

    @Override
    public void close() {
        closeAll(resources);
    }
}
