package dev.jmoe.cuda.compute;

import dev.jmoe.cuda.staging.DeviceCopies;
import dev.jmoe.cuda.staging.ExpertStaging;
import dev.jmoe.cuda.staging.ExpertTensor;
import dev.jmoe.cuda.staging.ExpertUploader;
import dev.jmoe.cuda.staging.PcieMeter;
import dev.jmoe.cuda.staging.PcieSnapshot;
import dev.jmoe.cuda.staging.StagingOptions;
import dev.jmoe.host.engine.ExpertRuns;
import dev.jmoe.host.engine.OffloadRule;
import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.model.StagingRing;
import dev.jmoe.host.model.TensorKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The MoE products of a large micro-batch on the GPU, with the experts in host memory: the experts the
 * micro-batch routes to are uploaded through the staging layer (pinned copies, pinned mapped pages or pageable,
 * as {@code --expert-pin} says) into a slot of the upload ring, then each routed expert's product runs there
 * over the tokens routed to it. A layer's gate, up and down tensors go up in one upload when its gate product is
 * asked for (the routing is known then), so up and down find theirs on the device.
 *
 * <p>When a micro-batch uses (nearly) all of a layer's experts ({@link ExpertRuns} then gives one run of all of
 * them), the next layer will too, whatever its routing: then all of the next layer's experts go up into the other
 * slot of the ring while this layer computes, so with large batches each layer costs about the larger of its
 * upload and its products rather than their sum. The prefetch is adopted when that layer's product comes.
 *
 * <p>{@link #offloads} is the offload rule ({@code batch × used ≥ T × experts}); smaller micro-batches stay on
 * the CPU. Every upload and product is metered ({@link PcieMeter}); {@link #endOfPass} closes a prefill's figures.
 * One call at a time ({@code synchronized}); passes of different sessions may interleave, since each product
 * stages the layer it needs when another pass's layer is on the device.
 */
public final class DeviceExperts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeviceExperts.class);

    private final ExpertStaging staging;
    private final ExpertUploader uploader;
    private final DeviceCopies.DeviceStream compute;
    private final ExpertProduct product;
    private final OffloadRule rule;
    private final int used;
    private final PcieMeter meter;
    /** Host address of each staged tensor → its staging index. */
    private final Map<Long, Integer> byAddress = new HashMap<>();
    /** Staging index → the staging indices of its layer's expert tensors (itself included), uploaded together. */
    private final Map<Integer, int[]> layerOf = new HashMap<>();
    /** Block number → the staging indices of that layer's expert tensors (unnamed tensors: negative numbers). */
    private final TreeMap<Integer, int[]> layers = new TreeMap<>();
    /** Staging index → its block number. */
    private final Map<Integer, Integer> blockOf = new HashMap<>();
    private StagedLayer current;
    /** All experts of the layer expected next, uploading while the current one computes; null when none. */
    private StagedLayer prefetched;
    private boolean inPrefill;
    private PcieSnapshot lastPrefill;

    /** The layer on the device now: for which routing, which tensors, and which of them have run. */
    private static final class StagedLayer {
        /** The routing it is for; null while it is a prefetch no product has claimed yet. */
        int[] routing;
        final int[] tensors;
        final boolean[] done;
        final ExpertUploader.StagedLayer upload;
        DeviceCopies.DeviceEvent start;

        StagedLayer(int[] routing, int[] tensors, ExpertUploader.StagedLayer upload) {
            this.routing = routing;
            this.tensors = tensors;
            this.done = new boolean[tensors.length];
            this.upload = upload;
        }

        int position(int tensor) {
            for (int p = 0; p < tensors.length; p++) if (tensors[p] == tensor) return p;
            return -1;
        }

        boolean allDone() {
            for (boolean d : done) if (!d) return false;
            return true;
        }
    }

    private DeviceExperts(ExpertStaging staging, ExpertUploader uploader, DeviceCopies.DeviceStream compute,
                          ExpertProduct product, OffloadRule rule, int used, PcieMeter meter) {
        this.staging = staging;
        this.uploader = uploader;
        this.compute = compute;
        this.product = product;
        this.rule = rule;
        this.used = used;
        this.meter = meter;
    }

    /**
     * The GPU expert path for {@code tensors} (a model's host {@code _exps} tensors, named as in GGUF), uploading
     * through {@code copies} and multiplying with {@code product}; {@code used} is the model's experts per token.
     */
    public static DeviceExperts open(List<ExpertTensor> tensors, DeviceCopies copies, StagingOptions options, OffloadRule rule,
                                     int used, ExpertProduct product, Consumer<String> warnings) {
        PcieMeter meter = new PcieMeter();
        ExpertStaging staging = ExpertStaging.open(tensors, copies, options, meter, warnings);
        ExpertUploader uploader = null;
        try {
            Map<Integer, List<Integer>> layers = new HashMap<>();
            for (int i = 0; i < tensors.size(); i++) {
                int block = TensorKind.blockOf(tensors.get(i).name());
                int layer = block >= 0 ? block : -1 - i;   // a tensor outside the blocks is a layer of its own
                layers.computeIfAbsent(layer, k -> new ArrayList<>()).add(i);
            }
            List<List<ExpertTensor>> slotLayers = new ArrayList<>();
            for (List<Integer> layer : layers.values()) slotLayers.add(layer.stream().map(tensors::get).toList());
            uploader = new ExpertUploader(copies, staging, meter, StagingRing.SLOTS, ExpertUploader.slotBytes(slotLayers));
            DeviceExperts d = new DeviceExperts(staging, uploader, copies.newStream(), product, rule, used, meter);
            for (int i = 0; i < tensors.size(); i++) d.byAddress.put(tensors.get(i).address(), i);
            for (var layer : layers.entrySet()) {
                int[] members = layer.getValue().stream().mapToInt(Integer::intValue).toArray();
                d.layers.put(layer.getKey(), members);
                for (int i : members) {
                    d.layerOf.put(i, members);
                    d.blockOf.put(i, layer.getKey());
                }
            }
            return d;
        } catch (RuntimeException e) {
            if (uploader != null) uploader.close();
            staging.close();
            throw e;
        }
    }

    /**
     * A pass over {@code tokens} tokens starts: when that many tokens go to the GPU and would route to (nearly) every
     * expert of the first staged layer even if routing were uniform ({@link ExpertRuns} then uploads them all
     * anyway), all of its experts start uploading now, while the layers before its products compute. A routing that
     * turns out narrower still finds its experts there (a superset); the prefetch is released at the end of the pass
     * if no product claims it.
     */
    public synchronized void beginPass(int tokens) {
        if (current != null || prefetched != null || layers.isEmpty()) return;
        int[] first = layers.firstEntry().getValue();
        ExpertTensor t = staging.tensors().get(first[0]);
        if (!rule.onGpu(tokens, used, t.experts()) || !ExpertRuns.takesAll(ExpertRuns.expectedDistinct(tokens, used, t.experts()), t.experts())) return;
        try {
            if (!inPrefill) {
                uploader.begin();
                inPrefill = true;
            }
            prefetched = new StagedLayer(null, first, uploader.upload(first, List.of(new ExpertRuns.Run(0, t.experts()))));
        } catch (RuntimeException e) {
            abandon();
            throw e;
        }
    }

    /** Whether the products of {@code w} for a micro-batch of {@code pairs} (token, expert) pairs run here. */
    public boolean offloads(ExpertWeights w, int pairs) {
        return byAddress.containsKey(w.data().address()) && rule.onGpu(pairs / used, used, w.experts());
    }

    /**
     * {@code out[i] = expert pairExpert[i] of w · x[pairToken[i]]}, as {@link dev.jmoe.host.engine.Backend#experts}
     * defines it, for a tensor that {@link #offloads}.
     */
    public synchronized void run(ExpertWeights w, float[] x, int[] pairToken, int[] pairExpert, float[] out) {
        int tensor = byAddress.get(w.data().address());
        try {
            StagedLayer layer = stage(tensor, pairExpert, w.experts());
            int position = layer.position(tensor);
            layer.upload.uploaded().synchronize();
            if (layer.start == null) {
                compute.waitFor(layer.upload.uploaded());
                layer.start = compute.record();
            }
            ExpertUploader.StagedLayer upload = layer.upload;
            PerExpertProducts.run(product, w, e -> {
                long offset = upload.offset(position, e);
                return offset < 0 ? -1 : upload.buffer().address() + offset;
            }, x, pairToken, pairExpert, out);
            layer.done[position] = true;
            if (layer.allDone()) complete(layer);
        } catch (RuntimeException e) {
            abandon();
            throw e;
        }
    }

    /** The layer holding {@code tensor} for this routing, uploading it (with its layer's other tensors) when it is not. */
    private StagedLayer stage(int tensor, int[] routing, int experts) {
        if (current != null && current.routing == routing && current.position(tensor) >= 0 && !current.done[current.position(tensor)]) {
            return current;
        }
        if (current != null) complete(current);   // a layer whose remaining tensors ran elsewhere
        if (!inPrefill) {
            uploader.begin();
            inPrefill = true;
        }
        if (prefetched != null && prefetched.position(tensor) >= 0) {
            current = prefetched;
            current.routing = routing;
            prefetched = null;
        } else {
            dropPrefetch();   // it was for a layer that did not come next
            List<ExpertRuns.Run> runs = ExpertRuns.of(routing, experts);
            current = new StagedLayer(routing, layerOf.get(tensor), uploader.upload(layerOf.get(tensor), runs));
            if (runs.size() != 1 || runs.getFirst().count() != experts) return current;
        }
        prefetchAfter(tensor);
        return current;
    }

    /** Queues all experts of the layer after {@code tensor}'s into the free slot of the ring. */
    private void prefetchAfter(int tensor) {
        int block = blockOf.get(tensor);
        Map.Entry<Integer, int[]> next = block < 0 ? null : layers.higherEntry(block);
        if (next == null) return;
        int[] tensors = next.getValue();
        int experts = staging.tensors().get(tensors[0]).experts();
        prefetched = new StagedLayer(null, tensors, uploader.upload(tensors, List.of(new ExpertRuns.Run(0, experts))));
    }

    /** A prefetch no product claimed: its slot is released (its bytes still count as uploaded). */
    private void dropPrefetch() {
        if (prefetched == null) return;
        StagedLayer p = prefetched;
        prefetched = null;
        complete(p);
    }

    private void complete(StagedLayer layer) {
        DeviceCopies.DeviceEvent start = layer.start != null ? layer.start : compute.record();
        uploader.computed(layer.upload, start, compute.record());
        if (current == layer) current = null;
    }

    /** After a failure mid-layer: the slot is released and the prefill's figures closed, so the next pass starts clean. */
    private void abandon() {
        try {
            dropPrefetch();
            if (current != null) complete(current);
            if (inPrefill) uploader.finish();
        } catch (RuntimeException e) {
            log.debug("closing the failed prefill's uploads", e);
        } finally {
            current = null;
            prefetched = null;
            inPrefill = false;
        }
    }

    /** Ends the forward pass: closes the prefill's figures if any layer ran here; returns them (null if none). */
    public synchronized PcieSnapshot endOfPass() {
        if (!inPrefill) return null;
        dropPrefetch();
        if (current != null) complete(current);
        inPrefill = false;
        lastPrefill = uploader.finish();
        log.debug("prefill experts: {}", lastPrefill);
        return lastPrefill;
    }

    /** The figures of the last pass that ran experts here, or null. */
    public PcieSnapshot lastPrefill() {
        return lastPrefill;
    }

    /** Everything uploaded and computed so far. */
    public PcieSnapshot total() {
        return meter.total();
    }

    /** The meter of every upload and product here. */
    public PcieMeter meter() {
        return meter;
    }

    /** The staging in force, for the load line and the mode switch. */
    public ExpertStaging staging() {
        return staging;
    }

    @Override
    public synchronized void close() {
        abandon();
        uploader.close();
        compute.close();
        staging.close();
    }
}
