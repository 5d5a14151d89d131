package dev.jmoe.host.numa;

import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.TensorDataSource;
import dev.jmoe.host.mem.LoadOptions;
import dev.jmoe.host.topo.HostTopology;
import dev.jmoe.host.topo.NumaTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * An engine's tensor data under {@code --numa}: the model placed by {@link NumaLoad} and served through
 * {@link TensorDataSource} (every replica of a mirrored tensor, {@link TensorDataSource#replicas}), so every
 * model load (run, chat, serve, bench) honours the flag, together with the {@link WorkerLayout} its workers
 * take, and the policy its KV caches get. The placement's warnings are logged once at load; the placement
 * report ({@link #report}, as {@code jmoe topo -m MODEL --numa MODE} prints it) is the engine's to log once
 * its first KV cache exists.
 */
public final class NumaTensorData {
    private static final Logger LOG = LoggerFactory.getLogger(NumaTensorData.class);

    private final TensorDataSource data;
    /** The placement, its model and the topology it was made for; null when nothing was placed. */
    private final NumaPlacement placement;
    private final GgufModel model;
    private final NumaTopology topo;
    /** The requested mode; null without {@code --numa}. */
    private final NumaMode requested;

    private NumaTensorData(TensorDataSource data, NumaPlacement placement, GgufModel model, NumaTopology topo, NumaMode requested) {
        this.data = data;
        this.placement = placement;
        this.model = model;
        this.topo = topo;
        this.requested = requested;
    }

    /** {@link #load}'s tensor data alone, for callers without workers. */
    public static TensorDataSource open(GgufModel model, LoadOptions options) {
        return load(model, options).data();
    }

    /**
     * Places {@code model} as {@code options.numa()} says; without a NUMA mode, or {@code off} without
     * {@code -v}, the plain load, nothing more. Every engine load passes through here.
     */
    public static NumaTensorData load(GgufModel model, LoadOptions options) {
        NumaOptions numa = options.numa();
        if (numa == null) return new NumaTensorData(TensorDataSource.open(model, options), null, null, null, null);
        LoadOptions file = options.withNuma(null);
        if (numa.mode() == NumaMode.OFF && !LOG.isInfoEnabled()) {
            return new NumaTensorData(TensorDataSource.open(model, file), null, null, null, numa.mode());
        }
        HostTopology host = HostTopology.live();
        NumaPlacement placement = NumaLoad.load(model, file, host, numa.mode(), numa.mirror());
        placement.warnings().forEach(LOG::warn);
        return new NumaTensorData(TensorDataSource.placed(placement), placement, model, host.numa(), numa.mode());
    }

    /** The tensor data; closing it releases the placement. */
    public TensorDataSource data() {
        return data;
    }

    /** Where {@code threads} workers run: pinned per node under the plan in effect, else unpinned. */
    public WorkerLayout workers(int threads) {
        return placement == null ? WorkerLayout.unpinned(requested, threads) : WorkerLayout.of(placement.plan(), topo, threads);
    }

    /** The memory policy for a KV cache: the plan's, or the thread's own when nothing was placed. */
    public MemPolicy.Policy kvCachePolicy() {
        return placement == null ? PlacementPlan.THREAD_POLICY : placement.plan().kvCache();
    }

    /**
     * The report lines of this placement with {@code kvCache}, for the load log (without the warnings
     * already logged); none when nothing was placed. Reads every page and asks the kernel where they are.
     */
    public List<String> report(MemorySegment kvCache) {
        if (placement == null) return List.of();
        return PlacementReport.of(model, placement, PageLocator.DEFAULT_SAMPLES, kvCache).withoutWarnings(placement.warnings()).text().lines().toList();
    }

    /** Whether {@code --numa} was given (then the engine logs how its workers were placed). */
    public boolean requested() {
        return requested != null;
    }
}
