package dev.jmoe.cuda.staging;

import dev.jmoe.host.engine.ExpertRuns;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.gguf.TensorDataSource;
import dev.jmoe.host.mem.LoadOptions;
import dev.jmoe.host.model.TensorKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code jmoe pcie -m MODEL}: the staging path itself on a model's expert tensors. For each pin mode, every
 * layer's experts go up through {@link ExpertUploader} as a prefill that routes to all of them would send them
 * (no compute in between, so the figure is the upload rate alone), and the meter's GB/s is reported.
 */
public final class StagingBandwidth {

    private StagingBandwidth() {}

    /**
     * One row per pin mode actually in force (a refused mode reports the one it fell back to); copy mode's blocks
     * prefer {@code gpuNode}, the GPU's NUMA node, as the engine's do.
     */
    public static List<BandwidthTest.Row> run(GgufModel model, DeviceCopies copies, long availableBytes, OptionalInt gpuNode,
                                              Consumer<String> warnings) {
        List<BandwidthTest.Row> rows = new ArrayList<>();
        try (TensorDataSource data = TensorDataSource.open(model, LoadOptions.defaults())) {
            List<ExpertTensor> tensors = new ArrayList<>();
            Map<Integer, List<Integer>> layers = new TreeMap<>();
            for (GgufTensorInfo t : model.tensors()) {
                if (!t.isExpert() || t.dims() != 3) continue;
                int block = TensorKind.blockOf(t.name());
                if (block < 0) continue;
                layers.computeIfAbsent(block, k -> new ArrayList<>()).add(tensors.size());
                tensors.add(ExpertTensor.of(t.name(), data.segment(t), (int) t.dim(2)));
            }
            if (tensors.isEmpty()) throw new IllegalArgumentException(model + ": no expert tensors (blk.N.*_exps) to stage");
            List<List<ExpertTensor>> byLayer = layers.values().stream().map(l -> l.stream().map(tensors::get).toList()).toList();
            long slot = ExpertUploader.slotBytes(byLayer);
            for (PinMode mode : List.of(PinMode.OFF, PinMode.REGISTER, PinMode.COPY)) {
                rows.add(measure(mode, tensors, layers, slot, copies, availableBytes, gpuNode, warnings));
            }
        }
        return rows;
    }

    private static BandwidthTest.Row measure(PinMode mode, List<ExpertTensor> tensors, Map<Integer, List<Integer>> layers,
                                             long slot, DeviceCopies copies, long availableBytes, OptionalInt gpuNode,
                                             Consumer<String> warnings) {
        PcieMeter meter = new PcieMeter();
        long start = System.nanoTime();
        StagingOptions options = StagingOptions.of(mode.flag(), null, true, availableBytes).nearNode(gpuNode);
        try (ExpertStaging staging = ExpertStaging.open(tensors, copies, options, meter, warnings);
             ExpertUploader up = new ExpertUploader(copies, staging, meter, ExpertUploader.DEFAULT_SLOTS, slot);
             DeviceCopies.DeviceStream compute = copies.newStream()) {
            double setupMs = (System.nanoTime() - start) / 1e6;
            up.begin();
            for (List<Integer> layer : layers.values()) {
                int experts = tensors.get(layer.getFirst()).experts();
                var staged = up.upload(layer.stream().mapToInt(Integer::intValue).toArray(),
                        List.of(new ExpertRuns.Run(0, experts)));
                compute.waitFor(staged.uploaded());
                up.computed(staged, compute.record(), compute.record());
            }
            PcieSnapshot s = up.finish();
            return new BandwidthTest.Row("staging " + staging.mode().flag() + " (model experts)", s.bytes(),
                    s.gbPerSecond(), Double.NaN, setupMs);
        }
    }
}
