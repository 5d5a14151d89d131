package dev.jmoe.cuda.staging;

import dev.jmoe.host.server.PrometheusText;

/** The PCIe meter in the server's {@code /metrics}: totals as counters, the last prefill's rates as gauges. */
public final class PcieMetrics {
    private PcieMetrics() {}

    public static void write(PcieMeter meter, PrometheusText out) {
        PcieSnapshot total = meter.total();
        PcieSnapshot last = meter.lastPrefill();
        out.counter("jmoe_pcie_upload_bytes_total", "Expert bytes uploaded host to device for prefill.", total.bytes())
                .counter("jmoe_pcie_uploads_total", "Host-to-device expert copies.", total.copies())
                .counter("jmoe_pcie_copy_seconds_total", "Seconds the copy stream was busy uploading experts (CUDA events).",
                        total.copySeconds())
                .counter("jmoe_pcie_hidden_seconds_total", "Of those, seconds overlapped by expert compute.", total.hiddenSeconds())
                .gauge("jmoe_pcie_last_prefill_gbps", "Effective upload GB/s of the last prefill (bytes / copy busy time).",
                        last.gbPerSecond())
                .gauge("jmoe_pcie_last_prefill_overlap_ratio", "Fraction of the last prefill's copy time hidden under compute.",
                        last.overlap())
                .gauge("jmoe_pcie_last_prefill_bytes", "Expert bytes uploaded by the last prefill.", last.bytes())
                .counter("jmoe_pin_cache_hits_total", "Expert slabs found in the pinned cache.", total.hits())
                .counter("jmoe_pin_cache_misses_total", "Expert slabs not in the pinned cache (filled or read pageable).",
                        total.misses())
                .counter("jmoe_pin_cache_evictions_total", "Expert slabs evicted from the pinned cache.", total.evictions())
                .gauge("jmoe_pinned_bytes", "Host bytes page-locked for expert staging now.", total.pinnedBytes());
    }
}
