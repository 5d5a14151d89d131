package dev.jmoe.host.engine;

import dev.jmoe.host.model.Device;
import dev.jmoe.host.model.ModelConfig;
import dev.jmoe.host.numa.MemPolicy;
import dev.jmoe.host.numa.NumaPlacementException;
import dev.jmoe.host.numa.PlacementPlan;
import dev.jmoe.host.numa.PolicyMemory;

import java.lang.foreign.MemorySegment;
import java.util.function.IntFunction;

/**
 * Keys and values of every layer for positions 0 .. {@code capacity}-1, in one block of native memory
 * placed by the NUMA plan's policy for it ({@link PlacementPlan#kvCache()}) and written once at
 * allocation, so its pages exist, on their nodes, before the first token. Which positions hold valid
 * entries is the session's business (its position counter): truncating is just moving that counter.
 * Latent attention (deepseek2) caches one compressed row per token, {@code [c | k_pe]}, that serves as the
 * key and whose c part is the value: its layers hold the same rows twice, stored in the key type.
 */
public final class KvCache {
    /**
     * One layer's keys and values (the same rows for latent attention), and the device the placement put this
     * layer's cache on: a GPU backend mirrors the rows of a GPU layer there and attends on the device.
     */
    public record Layer(KvRows keys, KvRows values, Device device) {
        public Layer(KvRows keys, KvRows values) {
            this(keys, values, Device.CPU);
        }

        public boolean sharesRows() {
            return keys == values;
        }
    }

    private final Layer[] layers;
    private final int capacity;
    private final MemorySegment memory;

    /** Every layer's cache on the host. */
    public KvCache(ModelConfig c, int capacity, CacheType keyType, CacheType valueType, MemPolicy.Policy policy) {
        this(c, capacity, keyType, valueType, policy, il -> Device.CPU);
    }

    /** Layer {@code il}'s cache where {@code deviceOf} says (the rows live in host memory in any case). */
    public KvCache(ModelConfig c, int capacity, CacheType keyType, CacheType valueType, MemPolicy.Policy policy, IntFunction<Device> deviceOf) {
        if (capacity <= 0) throw new IllegalArgumentException("context size must be positive, got " + capacity);
        this.capacity = capacity;
        long perLayer = KvCacheSizing.of(c, capacity, keyType, valueType).bytesPerLayer();
        long keyBytes = capacity * keyType.rowBytes(c.kDim()), valueBytes = perLayer - keyBytes;
        try {
            this.memory = PolicyMemory.allocate(perLayer * c.layers(), policy, "the kv cache of " + capacity + " positions");
        } catch (NumaPlacementException e) {
            throw new NumaPlacementException(e.getMessage() + "; a smaller -c needs less");
        }
        this.layers = new Layer[c.layers()];
        for (int i = 0; i < layers.length; i++) {
            MemorySegment keys = memory.asSlice(i * perLayer, keyBytes);
            if (c.mla() != null) {
                KvRows rows = keyType.rows(c.kDim(), c.kDim(), keys);
                layers[i] = new Layer(rows, rows, deviceOf.apply(i));
            } else {
                layers[i] = new Layer(keyType.rows(c.kDim(), c.keyLength(), keys),
                        valueType.rows(c.vDim(), c.valueLength(), memory.asSlice(i * perLayer + keyBytes, valueBytes)), deviceOf.apply(i));
            }
        }
    }

    /** The native memory holding every layer's rows (what the placement report locates). */
    public MemorySegment memory() {
        return memory;
    }

    /**
     * One line for the load log: values cached per token and layer, their types, and the size for
     * {@code positions}, e.g. {@code kv cache: latent 576 values per token and layer (kv_lora 512 + rope 64), f16, 3.4 MiB for 1024 positions}.
     */
    public static String describe(ModelConfig c, int positions, CacheType keyType, CacheType valueType) {
        String what;
        if (c.mla() != null) {
            what = "latent " + c.kDim() + " values per token and layer (kv_lora " + c.mla().kvLoraRank() + " + rope "
                    + c.mla().ropeDim() + "), " + keyType.label();
        } else {
            what = c.kDim() + " key + " + c.vDim() + " value values per token and layer, " + keyType.label() + "/" + valueType.label();
        }
        double mib = (double) KvCacheSizing.of(c, positions, keyType, valueType).bytesPerLayer() * c.layers() / (1 << 20);
        return String.format(java.util.Locale.ROOT, "kv cache: %s, %.1f MiB for %d positions", what, mib, positions);
    }

    public Layer layer(int i) {
        return layers[i];
    }

    public int capacity() {
        return capacity;
    }
}
