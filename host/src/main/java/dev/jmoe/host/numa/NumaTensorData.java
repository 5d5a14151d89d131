package dev.jmoe.host.numa;

import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.TensorDataSource;
import dev.jmoe.host.mem.LoadOptions;
import dev.jmoe.host.topo.HostTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An engine's tensor data under {@code --numa}: the model placed by {@link NumaLoad} and served through
 * {@link TensorDataSource}, so every model load (run, chat, serve, bench) honours the flag. The placement's
 * warnings are logged once; at info level ({@code -v}) the placement report, as {@code jmoe topo -m MODEL
 * --numa MODE} prints it, follows (it reads every page and asks the kernel where they are, so only then).
 *
 * <p>The engine's workers are not pinned to nodes yet, so they all read replica 0: on one node the only
 * replica; under {@code mirror} on several nodes the other replicas are placed (and reported) but unread.
 */
public final class NumaTensorData {
    private static final Logger LOG = LoggerFactory.getLogger(NumaTensorData.class);

    private NumaTensorData() {}

    /**
     * Places {@code model} as {@code options.numa()} says; without a NUMA mode, or {@code off} without
     * {@code -v}, the plain load, nothing more. Every engine load passes through here.
     */
    public static TensorDataSource open(GgufModel model, LoadOptions options) {
        NumaOptions numa = options.numa();
        if (numa == null) return TensorDataSource.open(model, options);
        LoadOptions file = options.withNuma(null);
        if (numa.mode() == NumaMode.OFF && !LOG.isInfoEnabled()) return TensorDataSource.open(model, file);
        NumaPlacement placement = NumaLoad.load(model, file, HostTopology.live(), numa.mode(), numa.mirror());
        try {
            placement.warnings().forEach(LOG::warn);
            if (LOG.isInfoEnabled()) {
                PlacementReport.of(model, placement, PageLocator.DEFAULT_SAMPLES).withoutWarnings(placement.warnings()).text().lines().forEach(LOG::info);
            }
            if (placement.plan().replicas() > 1) {
                LOG.info("numa mirror: the workers are not pinned to nodes yet, so they all read replica 0");
            }
            return TensorDataSource.placed(t -> placement.segment(t, 0), placement);
        } catch (RuntimeException e) {
            placement.close();
            throw e;
        }
    }
}
