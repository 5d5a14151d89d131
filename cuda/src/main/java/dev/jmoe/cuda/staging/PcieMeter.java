package dev.jmoe.cuda.staging;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counts expert uploads per prefill and in total. The upload pipeline reports each copy's interval and each
 * layer's compute interval on the prefill's timeline (milliseconds since an origin event, from CUDA events);
 * the staging cache reports hits, misses and evictions as they happen.
 */
public final class PcieMeter {
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private volatile LongSupplier pinnedBytes = () -> 0;

    private BusyIntervals copyTime = new BusyIntervals();
    private BusyIntervals computeTime = new BusyIntervals();
    private long bytes;
    private long copies;
    private long hitsAtStart;
    private long missesAtStart;
    private long evictionsAtStart;
    private PcieSnapshot last = PcieSnapshot.EMPTY;
    private PcieSnapshot total = PcieSnapshot.EMPTY;

    /** Where the pinned-bytes level is read (the staging in its current mode). */
    public void pinnedBytes(LongSupplier source) {
        this.pinnedBytes = source;
    }

    public synchronized void beginPrefill() {
        copyTime = new BusyIntervals();
        computeTime = new BusyIntervals();
        bytes = 0;
        copies = 0;
        hitsAtStart = hits.get();
        missesAtStart = misses.get();
        evictionsAtStart = evictions.get();
    }

    /** {@code copies} copies of {@code bytes} in all, busy from {@code startMs} to {@code endMs} on the prefill's timeline. */
    public synchronized void upload(long bytes, int copies, double startMs, double endMs) {
        copyTime.add(startMs, endMs);
        this.bytes += bytes;
        this.copies += copies;
    }

    /** The compute stream busy from {@code startMs} to {@code endMs} (a layer's expert GEMMs). */
    public synchronized void compute(double startMs, double endMs) {
        computeTime.add(startMs, endMs);
    }

    void hit() {
        hits.incrementAndGet();
    }

    void miss() {
        misses.incrementAndGet();
    }

    void eviction() {
        evictions.incrementAndGet();
    }

    /** Closes the prefill: its snapshot, also added to the total. */
    public synchronized PcieSnapshot endPrefill() {
        last = new PcieSnapshot(bytes, copies, copyTime.busy() / 1e3, copyTime.overlap(computeTime) / 1e3,
                hits.get() - hitsAtStart, misses.get() - missesAtStart, evictions.get() - evictionsAtStart,
                pinnedBytes.getAsLong());
        total = total.plus(last);
        return last;
    }

    public synchronized PcieSnapshot lastPrefill() {
        return last;
    }

    /** Everything since start, prefills closed so far. */
    public synchronized PcieSnapshot total() {
        return new PcieSnapshot(total.bytes(), total.copies(), total.copySeconds(), total.hiddenSeconds(),
                total.hits(), total.misses(), total.evictions(), pinnedBytes.getAsLong());
    }
}
