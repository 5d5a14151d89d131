package dev.jmoe.host.numa;

import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.gguf.PlacedTensors;
import dev.jmoe.host.gguf.TensorDataSource;
import dev.jmoe.host.mem.LoadOptions;
import dev.jmoe.host.mem.NativeCallException;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's tensor data placed as a {@link PlacementPlan} says. The file is placed by the memory layer
 * first (mmap by default); the tensors a region plans for are then copied into anonymous memory whose
 * policy was set before the copy touched it. Copying, rather than binding the file mapping: the
 * page-cache pages of a MAP_SHARED file mapping belong to the file, may already be resident on
 * whatever node first read the file (a previous run, a cp), and a policy on our mapping does not move
 * them. Only memory we allocate ourselves lands where we say.
 *
 * <p>A policy call that fails (EPERM under a seccomp profile, ENOSYS on a kernel without NUMA) degrades
 * the whole placement to {@code off} with one warning; the model still loads.
 */
public final class NumaPlacement implements PlacedTensors {
    /** The memory layer's placement of the file; null once every tensor has been copied out of it. */
    private final TensorDataSource source;
    private final PlacementPlan plan;
    private final List<PlacedRegion> regions;
    private final Map<GgufTensorInfo, MemorySegment[]> placed = new HashMap<>();
    private final List<String> warnings;

    private NumaPlacement(TensorDataSource source, PlacementPlan plan, List<PlacedRegion> regions, List<String> warnings) {
        this.source = source;
        this.plan = plan;
        this.regions = regions;
        this.warnings = List.copyOf(warnings);
        for (PlacedRegion r : regions) {
            r.plan().offsets().forEach((t, off) -> {
                MemorySegment[] byReplica = placed.computeIfAbsent(t, k -> new MemorySegment[plan.replicas()]);
                byReplica[r.plan().replica()] = r.segment().asSlice(off, t.bytes()).asReadOnly();
            });
        }
    }

    /** Places {@code model} as {@code plan} says, on top of the memory layer's {@code options}. */
    public static NumaPlacement place(GgufModel model, LoadOptions options, PlacementPlan plan, List<String> warnings) {
        TensorDataSource source = TensorDataSource.open(model, options);
        List<PlacedRegion> regions = new ArrayList<>();
        List<String> warned = new ArrayList<>(warnings);
        try {
            for (RegionPlan r : plan.regions()) regions.add(copyInto(PlacedRegion.allocate(r), source));
            if (coversEveryTensor(plan, model)) {
                // Nothing reads the file mapping any more: unmap it (its page cache stays, reclaimable).
                source.close();
                return new NumaPlacement(null, plan, regions, warned);
            }
            return new NumaPlacement(source, plan, regions, warned);
        } catch (NativeCallException e) {
            regions.forEach(PlacedRegion::close);
            String line = "numa " + plan.mode().flag() + ": " + e.getMessage() + "; NUMA placement is off";
            warned.add(line);   // the caller shows it, once
            PlacementPlan off = new PlacementPlan(NumaMode.OFF, 1, List.of(), ReplicaMap.single(plan.replicaMap().replicaByNode().keySet()),
                    PlacementPlan.THREAD_POLICY, List.of(line));
            return new NumaPlacement(source, off, List.of(), warned);
        } catch (RuntimeException e) {
            regions.forEach(PlacedRegion::close);
            source.close();
            throw e;
        }
    }

    private static boolean coversEveryTensor(PlacementPlan plan, GgufModel model) {
        java.util.Set<GgufTensorInfo> placed = new java.util.HashSet<>();
        plan.regions().forEach(r -> placed.addAll(r.tensors()));
        return placed.containsAll(model.tensors());
    }

    private static PlacedRegion copyInto(PlacedRegion region, TensorDataSource source) {
        try {
            region.plan().offsets().forEach((t, off) ->
                    MemorySegment.copy(source.segment(t), 0, region.segment(), off, t.bytes()));
            return region;
        } catch (RuntimeException e) {
            region.close();
            throw e;
        }
    }

    /** The plan in effect ({@code off} when the policy calls were refused). */
    public PlacementPlan plan() {
        return plan;
    }

    public ReplicaMap replicaMap() {
        return plan.replicaMap();
    }

    /** Warnings given while placing (numa_balancing on, a policy refused). */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * The data of {@code tensor} in {@code replica}, read-only. A tensor that lives once (the other
     * weights under {@code --numa-mirror experts}, everything without a placement) is the same for every replica.
     */
    public MemorySegment segment(GgufTensorInfo tensor, int replica) {
        if (replica < 0 || replica >= plan.replicas()) {
            throw new IllegalArgumentException("replica " + replica + " of " + tensor.name() + ": there are " + plan.replicas());
        }
        MemorySegment[] byReplica = placed.get(tensor);
        if (byReplica == null) {
            if (source == null) throw new IllegalArgumentException(tensor.name() + " is not a tensor of this placement");
            return source.segment(tensor);
        }
        MemorySegment s = byReplica[replica];
        return s != null ? s : byReplica[0];
    }

    /** How many replicas of {@code tensor} exist (1 for tensors that live once). */
    public int replicasOf(GgufTensorInfo tensor) {
        MemorySegment[] byReplica = placed.get(tensor);
        if (byReplica == null) return 1;
        int n = 0;
        for (MemorySegment s : byReplica) if (s != null) n++;
        return n;
    }

    @Override
    public void close() {
        regions.forEach(PlacedRegion::close);
        if (source != null) source.close();
    }
}
