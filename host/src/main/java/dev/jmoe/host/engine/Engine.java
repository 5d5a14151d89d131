package dev.jmoe.host.engine;

import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.gguf.TensorDataSource;
import dev.jmoe.host.kernel.JitActivity;
import dev.jmoe.host.kernel.KernelWarmUp;
import dev.jmoe.host.kernel.RowDots;
import dev.jmoe.host.kernel.WorkerPool;
import dev.jmoe.host.model.Architecture;
import dev.jmoe.host.model.ModelConfig;
import dev.jmoe.host.numa.NumaTensorData;
import dev.jmoe.host.numa.WorkerLayout;
import dev.jmoe.host.model.ModelWeights;
import dev.jmoe.host.model.Placement;
import dev.jmoe.host.model.DevicePlanner;
import dev.jmoe.host.model.GpuDevice;
import dev.jmoe.host.model.TensorKind;
import dev.jmoe.host.model.TensorSize;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loaded model ready to run: its config, its tensors placed in memory, a worker pool and a backend.
 * Sessions ({@link #newSession}) hold the per-conversation state (KV cache, position). Closing the engine
 * releases the threads and the tensor data; its sessions must not be used after that.
 */
public final class Engine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    /** The worker threads are {@code jmoe-worker-0..}. */
    public static final String WORKER_NAME = "jmoe-worker";

    private final GgufModel model;
    private final ModelConfig config;
    private final EngineOptions options;
    private final TensorDataSource data;
    private final WorkerPool pool;
    private final Forward forward;
    private final Placement placement;
    private final NumaTensorData numa;
    /** The GPU backend when the plan uses a GPU, else null. */
    private final DeviceBackend gpu;
    /** Whether the NUMA placement report was logged (with the first session's KV cache). */
    private boolean reported;
    /** The model's matrices and 3-D tensors, for {@link #warmUp}. */
    private final ModelWeights weights;

    private Engine(GgufModel model, ModelConfig config, EngineOptions options, TensorDataSource data, WorkerPool pool, Forward forward,
                   Placement placement, NumaTensorData numa, DeviceBackend gpu, ModelWeights weights) {
        this.placement = placement;
        this.weights = weights;
        this.gpu = gpu;
        this.numa = numa;
        this.model = model;
        this.config = config;
        this.options = options;
        this.data = data;
        this.pool = pool;
        this.forward = forward;
    }

    /** Opens the model at {@code path}; an unsupported architecture or tensor type fails here, before any data is placed. */
    public static Engine load(Path path, EngineOptions options) {
        GgufModel model = GgufModel.open(path);
        ModelConfig config = ModelConfig.from(model);
        Placement placement = plan(model, config, options);
        NumaTensorData numa = NumaTensorData.load(model, options.load());
        TensorDataSource data = numa.data();
        WorkerPool pool = null;
        DeviceBackend gpu = null;
        try {
            ModelWeights weights = ModelWeights.load(model, config, data);
            WorkerLayout workers = numa.workers(options.threads());
            pool = workers.pinned() ? new WorkerPool(workers.workers(), WORKER_NAME, workers::pin) : new WorkerPool(workers.workers(), WORKER_NAME);
            if (numa.requested()) log.info(workers.describe());
            Backend cpu = new CpuBackend(pool, RowDots.preferred(), workers::replicaOf);
            gpu = placement.usesGpu() ? openGpu(model, config, options, data, placement, cpu) : null;
            if (placement.usesGpu() && gpu == null) placement = plan(model, config, options, List.of());
            Forward forward = new TransformerForward(config, weights, gpu != null ? gpu : cpu);
            log.info("{}: {} {} layers, {}", path.getFileName(), config.arch().ggufName, config.layers(), placement.summary());
            Engine engine = new Engine(model, config, options, data, pool, forward, placement, numa, gpu, weights);
            log.info(KvCache.describe(config, engine.contextSize(), options.cacheK(), options.cacheV()));
            return engine;
        } catch (RuntimeException e) {
            if (gpu != null) gpu.close();
            if (pool != null) pool.close();
            data.close();
            throw e;
        }
    }

    /**
     * Where the tensors go: the rules of {@code options.placement()} on the GPUs a usable backend offers (none
     * without one, so everything lands on the CPU, with one line saying why when the rules wanted a GPU). A plan that
     * uses a GPU is printed as a table, since that is what a user checks first when memory runs short.
     */
    private static Placement plan(GgufModel model, ModelConfig config, EngineOptions options) {
        return plan(model, config, options, BackendSelection.gpus(options.placement()));
    }

    private static Placement plan(GgufModel model, ModelConfig config, EngineOptions options, List<GpuDevice> gpus) {
        var kv = KvCacheSizing.of(config, contextSize(config, options), options.cacheK(), options.cacheV());
        Placement placement = DevicePlanner.plan(TensorSize.of(model), config.layers(), options.placement(), gpus, kv);
        BackendSelection.announce(placement);
        return placement;
    }

    /**
     * The GPU backend holding the plan's GPU tensors and staging its host experts, or null (after one line saying
     * why) when it cannot open.
     */
    private static DeviceBackend openGpu(GgufModel model, ModelConfig config, EngineOptions options, TensorDataSource data,
                                        Placement placement, Backend cpu) {
        List<DeviceTensor> tensors = new ArrayList<>();
        boolean staged = placement.staging().device() != null;   // host experts go along only when the ring has room
        for (Placement.PlacedTensor p : placement.tensors()) {
            if (p.device().isCpu() && (p.kind() != TensorKind.EXPERTS || !staged)) continue;
            GgufTensorInfo t = model.tensor(p.name());
            tensors.add(new DeviceTensor(p.name(), p.device(), t.type(), t.shape(), data.segment(t)));
        }
        return BackendSelection.open(tensors, config.isMoe() ? config.moe().router().used() : 0, options.offload(), cpu);
    }

    /** Positions of the scratch session the warm-up decodes in (its own small KV cache, freed after). */
    private static final int WARM_UP_POSITIONS = 64;
    /** The architectures whose decode steps were warmed up in this process. */
    private static final Set<Architecture> WARM_DECODE = ConcurrentHashMap.newKeySet();

    /**
     * Has the JIT compile what a forward pass runs, so the first prompt and the first tokens run at full speed:
     * the kernels of this model's products ({@link KernelWarmUp}), then decode steps of a scratch session of its own
     * {@value #WARM_UP_POSITIONS} positions (norms, attention, routing, the per-token code: on the speed model
     * {@code run} generated its first 128 tokens at 25–30 t/s with the kernels alone warm, 500 at 44, where the
     * benchmark's steady state is 58), until their times settle the same way, all within {@code budgetNanos}.
     * Once per architecture (and weight type) and process. Changes nothing a session sees.
     */
    public void warmUp(long budgetNanos) {
        KernelWarmUp.Result kernels = KernelWarmUp.run(weights.productMatrices(), weights.productExperts(), RowDots.preferred(), budgetNanos);
        if (!WARM_DECODE.add(config.arch())) return;
        KvCache cache = new KvCache(config, WARM_UP_POSITIONS, options.cacheK(), options.cacheV(), numa.kvCachePolicy(), placement::kvDevice);
        Session scratch = new Session(forward, cache, config.vocab(), 1);
        int[] token = {0};
        KernelWarmUp.Result steps = KernelWarmUp.settle(() -> {
            long t0 = System.nanoTime();
            if (scratch.position() == WARM_UP_POSITIONS) scratch.reset();
            scratch.evaluate(token);
            return System.nanoTime() - t0;
        }, Math.max(0, budgetNanos - kernels.nanos()), JitActivity.running());
        log.info("warm-up: {} rounds of the kernels in {} ms, {} decode steps in {} ms{}", kernels.rounds(), kernels.nanos() / 1_000_000,
                steps.rounds(), steps.nanos() / 1_000_000, kernels.settled() && steps.settled() ? "" : " (the budget spent before their times settled)");
    }

    public Placement placement() {
        return placement;
    }

    /** What crossed PCIe for the GPU expert path so far, as one line; empty without a GPU or before any upload. */
    public Optional<String> transferSummary() {
        return gpu != null ? gpu.transferSummary() : Optional.empty();
    }

    /** Switches the expert pin mode of the GPU expert path (see {@link DeviceBackend#switchExpertPin}); empty without one. */
    public Optional<String> switchExpertPin(String mode) {
        return gpu != null ? gpu.switchExpertPin(mode) : Optional.empty();
    }

    /** The GPU expert path's running totals; empty without a GPU or without staged host experts. */
    public Optional<TransferTotals> transferTotals() {
        return gpu != null ? gpu.transferTotals() : Optional.empty();
    }

    /** A capability of the GPU backend (see {@link DeviceBackend#capability}); empty without one. */
    public <T> Optional<T> capability(Class<T> type) {
        return gpu != null ? gpu.capability(type) : Optional.empty();
    }

    /** What llama-bench's backend column says for this engine: {@code CUDA} when layers run on a GPU, else {@code CPU}. */
    /** Why the GPU backend was dropped mid-run (every op now runs on the host), if it was. */
    public Optional<String> gpuFailure() {
        return gpu == null ? Optional.empty() : gpu.failure();
    }

    /** CUDA where a GPU backend runs ops, CPU where none opened or it was dropped after a CUDA error. */
    public String backendName() {
        return gpu != null && gpu.failure().isEmpty() ? "CUDA" : "CPU";
    }

    public ModelConfig config() {
        return config;
    }

    public GgufModel model() {
        return model;
    }

    public EngineOptions options() {
        return options;
    }

    /** Without {@code -c}, at most this many positions: the trained context of large models would fill the heap. */
    public static final int DEFAULT_CONTEXT_CAP = 4096;

    /** The context a session gets: {@code -c}, or when that is 0 the model's trained length up to {@link #DEFAULT_CONTEXT_CAP}. */
    public int contextSize() {
        return contextSize(config, options);
    }

    /** The context a session of a model with {@code config} gets under {@code options} (see {@link #contextSize()}). */
    public static int contextSize(ModelConfig config, EngineOptions options) {
        return contextSize(config, options.context());
    }

    /** The context for {@code -c requested}: itself, or when that is 0 the model's trained length up to {@link #DEFAULT_CONTEXT_CAP}. */
    public static int contextSize(ModelConfig config, int requested) {
        return requested > 0 ? requested : Math.min(config.contextLength(), DEFAULT_CONTEXT_CAP);
    }

    /**
     * A new session with an empty KV cache of {@link #contextSize()} positions, placed as {@code --numa} says.
     * With {@code --numa} and {@code -v}, the first one logs the placement report, its KV cache included.
     */
    public Session newSession() {
        KvCache cache = new KvCache(config, contextSize(), options.cacheK(), options.cacheV(), numa.kvCachePolicy(), placement::kvDevice);
        if (!reported && log.isInfoEnabled()) {
            reported = true;
            numa.report(cache.memory()).forEach(log::info);
        }
        return new Session(forward, cache, config.vocab(), Math.min(options.batch(), options.ubatch()));
    }

    /**
     * One decode step for several sessions of this engine in one forward pass per micro-batch (continuous
     * batching): appends tokens[s] to sessions.get(s) and returns the logits after it, one row per session,
     * each equal to what {@code sessions.get(s).evaluate(new int[] {tokens[s]})} gives. Every session is
     * checked before any runs, so a refused step changes none of them.
     */
    public float[][] decode(List<Session> sessions, int[] tokens) {
        int n = sessions.size();
        if (tokens.length != n) throw new IllegalArgumentException(n + " sessions but " + tokens.length + " tokens");
        Set<Session> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int s = 0; s < n; s++) {
            Session session = sessions.get(s);
            if (session.forward() != forward) throw new IllegalArgumentException("session " + s + " belongs to another engine");
            if (!seen.add(session)) throw new IllegalArgumentException("session " + s + " appears twice in one decode step");
            session.check(new int[] {tokens[s]});
        }
        float[][] rows = new float[n][];
        int vocab = config.vocab();
        int ubatch = Math.min(options.batch(), options.ubatch());
        for (int first = 0; first < n; first += ubatch) {
            int count = Math.min(ubatch, n - first);
            int[] part = Arrays.copyOfRange(tokens, first, first + count);
            int[] positions = new int[count];
            KvCache[] caches = new KvCache[count];
            for (int s = 0; s < count; s++) {
                positions[s] = sessions.get(first + s).position();
                caches[s] = sessions.get(first + s).cache();
            }
            float[] logits = forward.decode(part, positions, caches);
            for (int s = 0; s < count; s++) {
                rows[first + s] = Arrays.copyOfRange(logits, s * vocab, (s + 1) * vocab);
                sessions.get(first + s).advance();
            }
        }
        return rows;
    }

    @Override
    public void close() {
        if (gpu != null) gpu.close();
        pool.close();
        data.close();
    }
}
