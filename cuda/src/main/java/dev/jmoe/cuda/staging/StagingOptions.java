package dev.jmoe.cuda.staging;

import dev.jmoe.host.mem.ByteSize;
import dev.jmoe.host.numa.MemPolicy;

import java.util.List;
import java.util.OptionalInt;

/**
 * The staging flags: {@code --expert-pin off|copy|register} (absent: chosen at load), {@code --pin-cache-gib G}
 * (absent: half of the memory available at load) and {@code --pin-eager}.
 */
public record StagingOptions(PinMode requested, long cacheBudgetBytes, boolean eager, MemPolicy.Policy blockPolicy) {

    /** With the copy-mode blocks on the thread's own policy. */
    public StagingOptions(PinMode requested, long cacheBudgetBytes, boolean eager) {
        this(requested, cacheBudgetBytes, eager, null);
    }

    /**
     * The copy-mode blocks preferring NUMA node {@code node} (the GPU's, so uploads cross no socket link; a full
     * node spills to the others rather than failing); unchanged when the node is not known.
     */
    public StagingOptions nearNode(OptionalInt node) {
        if (node.isEmpty()) return this;
        return new StagingOptions(requested, cacheBudgetBytes, eager, new MemPolicy.Policy(MemPolicy.Mode.PREFERRED, List.of(node.getAsInt())));
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
