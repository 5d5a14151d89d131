package dev.jmoe.host.bench;

import dev.jmoe.host.engine.TransferTotals;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a GPU backend reports for the expert uploads of one prompt test: host-to-device throughput and the
 * share of expert fetches the pinned staging cache already held. The CPU backend has none; the output
 * adds their columns only when some result carries them.
 */
public record TransferStats(double pcieGbPerSecond, double pinCacheHitRate) {

    /** The figures of what moved between two readings of the running totals; empty when nothing did (or no GPU). */
    static Optional<TransferStats> between(Optional<TransferTotals> before, Supplier<Optional<TransferTotals>> after) {
        return before.flatMap(b -> after.get().map(a -> a.minus(b)))
                .filter(d -> d.bytes() > 0)
                .map(d -> new TransferStats(d.gbPerSecond(), d.hitRate()));
    }
}
