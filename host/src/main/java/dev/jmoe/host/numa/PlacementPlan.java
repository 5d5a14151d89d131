package dev.jmoe.host.numa;

import java.util.List;

/**
 * What a {@code --numa} mode does with a model, decided before anything is allocated: the regions to
 * allocate and their policies, which replica each node's workers read, the policy of the KV cache's
 * memory ({@code DEFAULT}: the thread's own), and the lines to announce.
 * No regions means the tensors stay where the memory layer placed them.
 */
public record PlacementPlan(NumaMode mode, int replicas, List<RegionPlan> regions, ReplicaMap replicaMap, MemPolicy.Policy kvCache,
                            List<String> notes) {
    /** The KV cache's policy when the plan sets none. */
    public static final MemPolicy.Policy THREAD_POLICY = new MemPolicy.Policy(MemPolicy.Mode.DEFAULT, List.of());

    public PlacementPlan {
        regions = List.copyOf(regions);
        notes = List.copyOf(notes);
    }

    /** Bytes the regions take in all. */
    public long bytes() {
        return regions.stream().mapToLong(RegionPlan::bytes).sum();
    }
}
