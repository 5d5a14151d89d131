package dev.jmoe.cuda.staging;

import dev.jmoe.host.mem.ByteSize;

/**
 * The staging flags: {@code --expert-pin off|copy|register} (absent: chosen at load), {@code --pin-cache-gib G}
 * (absent: half of the memory available at load) and {@code --pin-eager}.
 */
public record StagingOptions(PinMode requested, long cacheBudgetBytes, boolean eager) {

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
