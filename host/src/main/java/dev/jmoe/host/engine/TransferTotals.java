package dev.jmoe.host.engine;

/**
 * What the GPU expert path has moved so far: expert bytes uploaded, seconds the copy stream was busy, and the
 * pinned cache's hits and misses. Two readings apart give one test's figures ({@link #minus}).
 */
public record TransferTotals(long bytes, double copySeconds, long hits, long misses) {

    public TransferTotals minus(TransferTotals earlier) {
        return new TransferTotals(bytes - earlier.bytes, copySeconds - earlier.copySeconds, hits - earlier.hits, misses - earlier.misses);
    }

    /** Bytes per second of copy-stream busy time, in GB/s (10^9); 0 with no copies. */
    public double gbPerSecond() {
        return copySeconds > 0 ? bytes / copySeconds / 1e9 : 0;
    }

    /** Hits over all cache lookups, 0..1; 0 with none. */
    public double hitRate() {
        long lookups = hits + misses;
        return lookups > 0 ? (double) hits / lookups : 0;
    }
}
