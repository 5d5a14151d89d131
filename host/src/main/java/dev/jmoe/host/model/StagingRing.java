package dev.jmoe.host.model;

import dev.jmoe.host.mem.ByteSize;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The device buffers that GPU prompt processing uploads host experts into: {@link #SLOTS} slots, each big enough
 * for every expert of the largest layer, so that one layer's upload can run while the previous layer's products
 * do. Sized here, from the plan, so that the plan counts them on the GPU before anything is allocated there.
 */
public final class StagingRing {
    /** Two slots are what overlap needs: one layer computing while the next one uploads. */
    public static final int SLOTS = 2;
    /** Slot sizes round up to this, keeping every slot's start as aligned as cuMemAlloc's. */
    private static final long SLOT_ALIGN = 256;

    private StagingRing() {}

    /** One slot for layers whose expert bytes (all of a layer's expert tensors together) are {@code layerBytes}. */
    public static long slotBytes(Collection<Long> layerBytes) {
        long max = 0;
        for (long b : layerBytes) max = Math.max(max, b);
        return ByteSize.roundUp(max, SLOT_ALIGN);
    }

    /** The whole ring for such layers; 0 when there are none. */
    public static long ringBytes(Collection<Long> layerBytes) {
        return SLOTS * slotBytes(layerBytes);
    }

    /**
     * The bytes of each layer's host experts in a plan: the expert tensors placed on the CPU, grouped by block
     * number (a tensor outside the blocks counts as a layer of its own).
     */
    static List<Long> hostExpertLayers(Collection<Placement.PlacedTensor> tensors) {
        Map<Integer, Long> layers = new TreeMap<>();
        int unnamed = -1;
        for (Placement.PlacedTensor t : tensors) {
            if (t.kind() != TensorKind.EXPERTS || !t.device().isCpu()) continue;
            int block = TensorKind.blockOf(t.name());
            layers.merge(block >= 0 ? block : unnamed--, t.bytes(), Long::sum);
        }
        return List.copyOf(layers.values());
    }
}
