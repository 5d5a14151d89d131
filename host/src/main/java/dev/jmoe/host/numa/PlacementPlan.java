package dev.jmoe.host.numa;

import java.util.List;

/**
 * What a {@code --numa} mode does with a model, decided before anything is allocated: the regions to
 * allocate and their policies, which replica each node's workers read, and the lines to announce.
 * No regions means the tensors stay where the memory layer placed them.
 */
public record PlacementPlan(NumaMode mode, int replicas, List<RegionPlan> regions, ReplicaMap replicaMap, List<String> notes) {
    public PlacementPlan {
        regions = List.copyOf(regions);
        notes = List.copyOf(notes);
    }

    /** Bytes the regions take in all. */
    public long bytes() {
        return regions.stream().mapToLong(RegionPlan::bytes).sum();
    }
}
