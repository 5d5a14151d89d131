package dev.jmoe.cuda.staging;

import dev.jmoe.host.mem.ByteSize;

import java.util.Locale;

/**
 * What crossed PCIe for expert uploads, over one prefill or since start: bytes and copies, the copy stream's busy
 * time (union of its copy intervals, from CUDA events), how much of that time compute ran too (hidden), pin-cache
 * hits, misses and evictions, and the bytes pinned at the end.
 */
public record PcieSnapshot(long bytes, long copies, double copySeconds, double hiddenSeconds,
                           long hits, long misses, long evictions, long pinnedBytes) {
    public static final PcieSnapshot EMPTY = new PcieSnapshot(0, 0, 0, 0, 0, 0, 0, 0);

    /** Bytes per second of copy-engine busy time, in GB/s (10^9, as bandwidth tests report); 0 with no copies. */
    public double gbPerSecond() {
        return copySeconds > 0 ? bytes / copySeconds / 1e9 : 0;
    }

    /** The fraction of copy time hidden under compute, 0..1; 0 with no copies. */
    public double overlap() {
        return copySeconds > 0 ? hiddenSeconds / copySeconds : 0;
    }

    /** Adds a prefill to a running total; the pinned bytes are a level, taken from {@code next}. */
    PcieSnapshot plus(PcieSnapshot next) {
        return new PcieSnapshot(bytes + next.bytes, copies + next.copies, copySeconds + next.copySeconds,
                hiddenSeconds + next.hiddenSeconds, hits + next.hits, misses + next.misses,
                evictions + next.evictions, next.pinnedBytes);
    }

    /** One line for {@code run}'s summary, {@code bench} and the {@code -v} log. */
    public String line() {
        return String.format(Locale.ROOT,
                "pcie: %s in %d copies, %.3f s busy, %.2f GB/s, %.0f%% hidden under compute; pin cache %d hits, "
                        + "%d misses, %d evictions, %s pinned",
                ByteSize.format(bytes), copies, copySeconds, gbPerSecond(), overlap() * 100, hits, misses, evictions,
                ByteSize.format(pinnedBytes));
    }
}
