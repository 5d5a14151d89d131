package dev.jmoe.host.model;

import dev.jmoe.host.mem.ByteSize;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Turns {@link PlacementRules} into a {@link Placement} for the given GPUs. Per tensor, in this order:
 * the first matching override ({@code -ot}, {@code --cpu-moe}, {@code --n-cpu-moe}); under
 * {@code -ngl auto} the experts to the host; then the layer rule of {@link GpuLayers}. With several
 * GPUs the offloaded layers are split in runs proportional to their free memory, as llama.cpp's
 * default split does. A GPU holds the weights placed on it, the KV cache of its layers and the reserve;
 * {@code auto} takes the most layers for which every GPU holds that, an explicit {@code -ngl} that does
 * not fit is an error (rather than a silent smaller plan).
 */
public final class DevicePlanner {
    private DevicePlanner() {}

    /**
     * The plan for {@code tensors} of a model with {@code layers} repeating layers. Without GPUs every
     * tensor is on the CPU whatever the rules say: the caller has already said why there is no GPU.
     */
    public static Placement plan(List<TensorSize> tensors, int layers, PlacementRules rules, List<GpuDevice> gpus, KvCacheSize kv) {
        if (layers < 0) throw new IllegalArgumentException("layer count must not be negative, got " + layers);
        checkOverrideDevices(rules, gpus);
        Device[] forced = new Device[tensors.size()];
        for (int i = 0; i < forced.length; i++) {
            TensorOverride o = rules.overrideFor(tensors.get(i).name());
            forced[i] = o == null ? null : o.device();
        }
        Layout layout = new Layout(tensors, layers, rules, gpus, kv, forced);
        if (gpus.isEmpty()) return layout.build(0, 0);
        GpuLayers ngl = rules.gpuLayers();
        if (ngl.mode() == GpuLayers.Mode.AUTO) {
            Placement smallest = null;
            for (int n = layers + 1; n >= 0; n--) {
                Placement p = layout.build(n, layers);
                if (overfull(p) == null) return n == layers + 1 ? withExpertsUp(layout, withStaging(p)) : withStaging(p);
                smallest = p;
            }
            throw new PlacementException(doesNotFit(smallest, "even with no layers offloaded, the -ot rules put"));
        }
        int n = ngl.mode() == GpuLayers.Mode.ALL ? layers + 1 : Math.min(ngl.count(), layers + 1);
        Placement p = layout.build(n, 0);
        if (overfull(p) != null) throw new PlacementException(doesNotFit(p, "-ngl " + ngl + " puts"));
        return withStaging(p);
    }

    /**
     * {@code -ngl auto} once every layer is offloaded: the memory left takes the experts of whole layers too, the
     * last layers first (as {@code --n-cpu-moe N} would leave them), as long as everything fits and the staging
     * ring for the experts still on the host keeps its room. Experts on the GPU cross no PCIe at all, in decode or
     * in prompts.
     */
    private static Placement withExpertsUp(Layout layout, Placement allOnHost) {
        boolean ring = allOnHost.staging().device() != null;
        // Most experts up first. Not a bisection: all of them up can fit where fewer do not, since then no ring is needed.
        for (int hostBelow = 0; hostBelow < layout.layers(); hostBelow++) {
            Placement p = withStaging(layout.build(layout.layers() + 1, hostBelow));
            boolean hostExperts = p.bytes(Device.CPU, TensorKind.EXPERTS) > 0;
            if (overfull(p) == null && !(ring && hostExperts && p.staging().device() == null)) return p;
        }
        return allOnHost;
    }

    /**
     * The plan with its {@link StagingRing}, where it keeps experts on the host and puts weights on a GPU: on the
     * lowest-numbered GPU holding weights (where the CUDA backend runs the expert products), if the ring fits beside
     * what the plan put there. The ring never costs a layer: where it does not fit, prompt processing keeps the
     * experts on the CPU, and the plan says so with the figures.
     */
    private static Placement withStaging(Placement p) {
        List<Long> layers = StagingRing.hostExpertLayers(p.tensors());
        GpuDevice g = p.gpus().stream().filter(x -> p.weightBytes(x.device()) > 0)
                .min(Comparator.comparingInt(x -> x.device().index())).orElse(null);
        if (layers.isEmpty() || g == null) return p;
        long ring = StagingRing.ringBytes(layers);
        Device d = g.device();
        if (p.neededBytes(d) + ring <= g.freeBytes()) return p.withStaging(new Placement.Staging(d, ring, null));
        return p.withStaging(Placement.Staging.none(String.format(Locale.ROOT,
                "expert staging: %d slots of %s for prompt processing do not fit %s beside the plan (%s + %s > %s); "
                        + "the experts stay on the CPU for every batch (a smaller -ngl makes room)",
                StagingRing.SLOTS, PlacementTable.mib(ring / StagingRing.SLOTS), d.bufferName(),
                PlacementTable.mib(p.neededBytes(d)), PlacementTable.mib(ring), PlacementTable.mib(g.freeBytes()))));
    }

    private static void checkOverrideDevices(PlacementRules rules, List<GpuDevice> gpus) {
        if (gpus.isEmpty()) return;
        for (TensorOverride o : rules.overrides()) {
            if (o.device().isCpu()) continue;
            boolean present = gpus.stream().anyMatch(g -> g.device().equals(o.device()));
            if (!present) {
                throw new PlacementException("'" + o.source() + "': there is no " + o.device().bufferName() + " (buffer types here: CPU, "
                        + String.join(", ", gpus.stream().map(g -> g.device().bufferName()).toList()) + ")");
            }
        }
    }

    /** The first GPU whose share of the plan exceeds its memory, or null when all fit. */
    private static GpuDevice overfull(Placement p) {
        for (GpuDevice g : p.gpus()) if (p.neededBytes(g.device()) > g.freeBytes()) return g;
        return null;
    }

    private static String doesNotFit(Placement p, String what) {
        GpuDevice g = overfull(p);
        Device d = g.device();
        return String.format(Locale.ROOT, "%s %s on %s (weights %s + KV cache %s + reserve %s), which has %s; "
                        + "use -ngl auto, a smaller -ngl, or keep experts on the host (--cpu-moe, --n-cpu-moe N)",
                what, ByteSize.format(p.neededBytes(d)), d.bufferName(), ByteSize.format(p.weightBytes(d)),
                ByteSize.format(p.kvBytes(d)), ByteSize.format(p.reserveBytes(d)), ByteSize.format(g.freeBytes()));
    }

    /** The parts of a plan that do not depend on the number of offloaded layers. */
    private record Layout(List<TensorSize> tensors, int layers, PlacementRules rules, List<GpuDevice> gpus, KvCacheSize kv, Device[] forced) {

        /**
         * The plan with the last {@code n} layers (the output counting as layer {@code layers}) offloaded, and the
         * experts of the layers below {@code hostExpertsBelow} on the host whatever their layer's device.
         */
        Placement build(int n, int hostExpertsBelow) {
            List<Placement.PlacedTensor> placed = new ArrayList<>(tensors.size());
            for (int i = 0; i < tensors.size(); i++) {
                TensorSize t = tensors.get(i);
                Device d = forced[i];
                if (d == null && TensorKind.of(t.name()) == TensorKind.EXPERTS && layerOf(t.name(), layers) < hostExpertsBelow) d = Device.CPU;
                if (d == null) d = layerDevice(layerOf(t.name(), layers), n);
                if (gpus.isEmpty()) d = Device.CPU;
                placed.add(new Placement.PlacedTensor(t.name(), t.bytes(), TensorKind.of(t.name()), d));
            }
            List<Device> kvDevices = new ArrayList<>(layers);
            for (int il = 0; il < layers; il++) kvDevices.add(layerDevice(il, n));
            return new Placement(placed, kvDevices, kv, gpus, rules, gpus.isEmpty() ? 0 : n, layers);
        }

        /** llama.cpp's layer rule: layer {@code il} is offloaded when it is among the last {@code n}; -1 (input) never. */
        private Device layerDevice(int il, int n) {
            if (il < 0 || gpus.isEmpty()) return Device.CPU;
            int start = Math.max(layers - n, 0);
            int offloaded = Math.min(n, layers + 1);
            if (il < start || il - start >= offloaded) return Device.CPU;
            return gpus.get(splitIndex((double) (il - start) / offloaded)).device();
        }

        /** The GPU whose run of layers holds the fraction {@code f} of the offloaded layers. */
        private int splitIndex(double f) {
            long total = gpus.stream().mapToLong(GpuDevice::freeBytes).sum();
            double cumulative = 0;
            for (int k = 0; k < gpus.size(); k++) {
                cumulative += total == 0 ? 1.0 / gpus.size() : (double) gpus.get(k).freeBytes() / total;
                if (f < cumulative) return k;
            }
            return gpus.size() - 1;
        }
    }

    /** The layer a tensor belongs to: N for {@code blk.N.*}, {@code layers} for the output, -1 for the input and the rest. */
    static int layerOf(String name, int layers) {
        if (name.startsWith("blk.")) return TensorKind.blockOf(name);
        return name.startsWith("output") ? layers : -1;
    }
}
