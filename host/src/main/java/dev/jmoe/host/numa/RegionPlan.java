package dev.jmoe.host.numa;

import dev.jmoe.host.gguf.GgufTensorInfo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One anonymous region the placement will allocate: the tensors of one class (one replica of them),
 * the memory policy set on it before its first touch, and where each tensor sits in it. Tensors start
 * on page boundaries so every page belongs to one tensor and the report can account per tensor.
 */
public record RegionPlan(MemoryClass memoryClass, int replica, MemPolicy.Policy policy, List<GgufTensorInfo> tensors) {
    static final long PAGE = 4096;

    public RegionPlan {
        tensors = List.copyOf(tensors);
    }

    /** Offset of each tensor in the region, in the order given. */
    public Map<GgufTensorInfo, Long> offsets() {
        Map<GgufTensorInfo, Long> offsets = new LinkedHashMap<>();
        long at = 0;
        for (GgufTensorInfo t : tensors) {
            offsets.put(t, at);
            at += roundUp(t.bytes());
        }
        return offsets;
    }

    /** The region's length: its tensors, each rounded up to whole pages. */
    public long bytes() {
        long total = 0;
        for (GgufTensorInfo t : tensors) total += roundUp(t.bytes());
        return total;
    }

    private static long roundUp(long bytes) {
        return (bytes + PAGE - 1) / PAGE * PAGE;
    }
}
