package dev.jmoe.cuda.staging;

import dev.jmoe.host.mem.ByteSize;
import dev.jmoe.host.numa.MemPolicy;

import dev.jmoe.host.topo.NumaNode;
import dev.jmoe.host.topo.NumaTopologyReader;
import dev.jmoe.host.topo.SysTree;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The staging flags: {@code --expert-pin off|copy|register} (absent: chosen at load), {@code --pin-cache-gib G}
 * (absent: half of the memory available at load) and {@code --pin-eager}.
 */
public record StagingOptions(PinMode requested, long cacheBudgetBytes, boolean eager, MemPolicy.Policy blockPolicy,
                             List<Integer> fillCpus) {

    /**
     * @param blockPolicy where the copy-mode blocks' pages go; null: the thread's own policy
     * @param fillCpus    the CPUs the threads filling those blocks run on; empty: not pinned
     */
    public StagingOptions {
        fillCpus = List.copyOf(fillCpus);
    }

    /** With the copy-mode blocks on the thread's own policy, filled by unpinned threads. */
    public StagingOptions(PinMode requested, long cacheBudgetBytes, boolean eager) {
        this(requested, cacheBudgetBytes, eager, null, List.of());
    }

    /**
     * The copy-mode blocks preferring NUMA node {@code node} (the GPU's, so uploads cross no socket link; a full
     * node spills to the others rather than failing) and filled by threads on its CPUs; unchanged when the node
     * is not known, or not found in this machine's topology.
     */
    public StagingOptions nearNode(OptionalInt node) {
        if (node.isEmpty()) return this;
        Optional<NumaNode> found;
        try {
            found = new NumaTopologyReader(SysTree.live()).read().node(node.getAsInt());
        } catch (RuntimeException e) {   // no readable topology: the blocks can still prefer the node
            found = Optional.empty();
        }
        return found.map(this::nearNode)
                .orElseGet(() -> new StagingOptions(requested, cacheBudgetBytes, eager, preferring(node.getAsInt()), List.of()));
    }

    /** As {@link #nearNode(OptionalInt)} for a node of a known topology. */
    public StagingOptions nearNode(NumaNode node) {
        return new StagingOptions(requested, cacheBudgetBytes, eager, preferring(node.id()), node.cpus());
    }

    private static MemPolicy.Policy preferring(int node) {
        return new MemPolicy.Policy(MemPolicy.Mode.PREFERRED, List.of(node));
    }

    /** {@code pinMode} and {@code cacheGib} may be null (not given); {@code availableBytes} is MemAvailable now. */
    public static StagingOptions of(String pinMode, Double cacheGib, boolean eager, long availableBytes) {
        PinMode mode = pinMode == null ? null : PinMode.parse(pinMode);
        if (cacheGib != null && !(cacheGib >= 0)) {
            throw new IllegalArgumentException("--pin-cache-gib: " + cacheGib + " is not a size in GiB ≥ 0");
        }
        long budget = cacheGib == null ? availableBytes / 2 : (long) (cacheGib * ByteSize.GIB);
        return new StagingOptions(mode, budget, eager);
    }

    /**
     * The mode to start in: the one asked for, else {@code copy} when every expert fits the cache budget (pinned
     * copies cost RAM but nothing at run time), else {@code register} (no second copy); refusals fall back
     * from there to {@code off}.
     */
    public PinMode initialMode(long expertBytes) {
        if (requested != null) return requested;
        return expertBytes <= cacheBudgetBytes ? PinMode.COPY : PinMode.REGISTER;
    }
}
