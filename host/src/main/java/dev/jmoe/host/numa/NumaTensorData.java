package dev.jmoe.host.numa;

import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.TensorDataSource;
import dev.jmoe.host.mem.LoadOptions;
import dev.jmoe.host.topo.HostTopology;
import dev.jmoe.host.topo.NumaTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An engine's tensor data under {@code --numa}: the model placed by {@link NumaLoad} and served through
 * {@link TensorDataSource} (every replica of a mirrored tensor, {@link TensorDataSource#replicas}), so every
 * model load (run, chat, serve, bench) honours the flag, together with the {@link WorkerLayout} its workers
 * take. The placement's warnings are logged once; at info level ({@code -v}) the placement report, as
 * {@code jmoe topo -m MODEL --numa MODE} prints it, follows (it reads every page and asks the kernel where
 * they are, so only then).
 */
public final class NumaTensorData {
    private static final Logger LOG = LoggerFactory.getLogger(NumaTensorData.class);

    private final TensorDataSource data;
    /** The plan in effect and the topology it was made for; null when nothing was placed. */
    private final PlacementPlan plan;
    private final NumaTopology topo;
    /** The requested mode; null without {@code --numa}. */
    private final NumaMode requested;

    private NumaTensorData(TensorDataSource data, PlacementPlan plan, NumaTopology topo, NumaMode requested) {
        this.data = data;
        this.plan = plan;
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
        if (numa == null) return new NumaTensorData(TensorDataSource.open(model, options), null, null, null);
        LoadOptions file = options.withNuma(null);
        if (numa.mode() == NumaMode.OFF && !LOG.isInfoEnabled()) {
            return new NumaTensorData(TensorDataSource.open(model, file), null, null, numa.mode());
        }
        HostTopology host = HostTopology.live();
        NumaPlacement placement = NumaLoad.load(model, file, host, numa.mode(), numa.mirror());
        try {
            placement.warnings().forEach(LOG::warn);
            if (LOG.isInfoEnabled()) {
                PlacementReport.of(model, placement, PageLocator.DEFAULT_SAMPLES).withoutWarnings(placement.warnings()).text().lines().forEach(LOG::info);
            }
            return new NumaTensorData(TensorDataSource.placed(placement), placement.plan(), host.numa(), numa.mode());
        } catch (RuntimeException e) {
            placement.close();
            throw e;
        }
    }

    /** The tensor data; closing it releases the placement. */
    public TensorDataSource data() {
        return data;
    }

    /** Where {@code threads} workers run: pinned per node under the plan in effect, else unpinned. */
    public WorkerLayout workers(int threads) {
        return plan == null ? WorkerLayout.unpinned(requested, threads) : WorkerLayout.of(plan, topo, threads);
    }

    /** Whether {@code --numa} was given (then the engine logs how its workers were placed). */
    public boolean requested() {
        return requested != null;
    }
}
