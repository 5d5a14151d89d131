package dev.jmoe.host.bench;

/**
 * What a GPU backend reports for the expert uploads of one prompt test: host-to-device throughput and the
 * share of expert fetches the pinned staging cache already held. The CPU backend has none; the output
 * adds their columns only when some result carries them.
 */
public record TransferStats(double pcieGbPerSecond, double pinCacheHitRate) {}
