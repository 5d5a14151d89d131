package dev.jmoe.cuda.compute;

import dev.jmoe.host.engine.AttentionShape;
import dev.jmoe.host.engine.KvCache;
import dev.jmoe.host.engine.KvRows;
import dev.jmoe.kernels.Ptx;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Attention on one GPU over a device mirror of each GPU layer's KV cache. The host cache stays the truth: every
 * run of rows the forward pass stores there ({@link #store}, after the host backend wrote them) is copied byte for
 * byte into the mirror, in the cache's own encoding (f16, q8_0 or f32), which {@code attention_f32} decodes as the
 * host does: both attend over the same numbers, and the device holds what the plan counted for the cache. The
 * mirror grows by doubling and lives as long as the rows it mirrors (a Cleaner frees it with the session's cache).
 *
 * <p>One call at a time ({@code synchronized}): the launch and the staging buffers are shared.
 */
public final class GpuAttention implements KvAttention, AutoCloseable {
    /** Query, output and position buffers start at this size and grow to the largest call. */
    private static final long BUFFER_MINIMUM = 1L << 16;
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int WARPS_PER_BLOCK = 8;

    private final CudaContext context;
    private final CUmodule module;
    private final KernelLaunch launch;
    private final Map<KvRows, Mirror> mirrors = new WeakHashMap<>();
    private DeviceMemory queries, outputs, positionsBuffer;

    public GpuAttention(CudaContext context) {
        this.context = context;
        module = context.load(Ptx.image(Ptx.ATTENTION));
        launch = new KernelLaunch(module, Ptx.ATTENTION_F32, "PPIPPIPPIIIIIFP");
    }

    /** Whether the kernel takes heads of this shape. */
    public static boolean fits(AttentionShape s) {
        return s.keyLength() <= Ptx.ATTENTION_MAX_HEAD && s.valueLength() <= Ptx.ATTENTION_MAX_HEAD && s.heads() % s.kvHeads() == 0;
    }

    /** Mirrors the rows the host just stored at {@code positions}, copied from the host cache. */
    @Override
    public synchronized void store(KvCache.Layer kv, int tokens, int[] positions) {
        mirror(kv.keys()).store(kv.keys(), tokens, positions);
        if (!kv.sharesRows()) mirror(kv.values()).store(kv.values(), tokens, positions);
    }

    /** Whether every position up to {@code last} of {@code kv} has a mirror to attend over. */
    @Override
    public synchronized boolean mirrors(KvCache.Layer kv, int last) {
        Mirror keys = mirrors.get(kv.keys()), values = mirrors.get(kv.values());
        return keys != null && values != null && keys.stored > last && values.stored > last;
    }

    /** {@link dev.jmoe.host.engine.Backend#attention} on the device mirror of {@code kv}. */
    @Override
    public synchronized void attend(float[] q, int tokens, int[] positions, KvCache.Layer kv, AttentionShape s, float[] out) {
        context.current();
        Mirror keys = mirrors.get(kv.keys()), values = mirrors.get(kv.values());
        int queriesCount = tokens * s.heads();
        queries = context.atLeast(queries, 4L * queriesCount * s.keyLength(), BUFFER_MINIMUM);
        outputs = context.atLeast(outputs, 4L * queriesCount * s.valueLength(), BUFFER_MINIMUM);
        positionsBuffer = context.atLeast(positionsBuffer, 4L * tokens, BUFFER_MINIMUM);
        queries.upload(q, queriesCount * s.keyLength());
        positionsBuffer.upload(positions, tokens);
        launch.pointer(0, queries.address())
                .pointer(1, keys.memory().address()).integer(2, keys.encoding).pointer(3, keys.rowBytes)
                .pointer(4, values.memory().address()).integer(5, values.encoding).pointer(6, values.rowBytes)
                .pointer(7, positionsBuffer.address()).integer(8, tokens).integer(9, s.heads()).integer(10, s.kvHeads())
                .integer(11, s.keyLength()).integer(12, s.valueLength()).real(13, s.scale()).pointer(14, outputs.address())
                .launch((queriesCount + WARPS_PER_BLOCK - 1) / WARPS_PER_BLOCK, 1, 32 * WARPS_PER_BLOCK, 1, null);
        outputs.download(out, queriesCount * s.valueLength());
    }

    private Mirror mirror(KvRows rows) {
        Mirror m = mirrors.get(rows);
        if (m == null) {
            m = new Mirror(rows);
            mirrors.put(rows, m);
        }
        return m;
    }


    @Override
    public synchronized void close() {
        for (Mirror m : new ArrayList<>(mirrors.values())) m.memory.close();
        mirrors.clear();
        for (DeviceMemory d : new DeviceMemory[] {queries, outputs, positionsBuffer}) if (d != null) d.close();
        JCudaDriver.cuModuleUnload(module);
    }

    /**
     * The device copy of one KvRows' bytes: {@code stored} rows valid from row 0, room for {@code rowsAllocated}. It
     * keeps neither the rows nor their memory reachable (the map holds the rows weakly; a strong reference from
     * here would keep both alive for ever), only their layout; the rows come with each {@link #store}.
     */
    private final class Mirror {
        final long rowBytes;
        /** The GGML type id of the rows' encoding. */
        final int encoding;
        /** The allocation, in a holder the cleaner frees when the mirror (and so its cache) is gone. */
        private final Holder memory = new Holder();
        int rowsAllocated;
        int stored;

        Mirror(KvRows rows) {
            this.rowBytes = rows.rowBytes();
            this.encoding = rows.encoding().id;
            Holder h = memory;
            CLEANER.register(this, h::close);
        }

        DeviceMemory memory() {
            return memory.current;
        }

        void store(KvRows rows, int tokens, int[] positions) {
            int last = 0;
            for (int t = 0; t < tokens; t++) last = Math.max(last, positions[t]);
            grow(last + 1);
            int t = 0;
            while (t < tokens) {   // runs of consecutive positions go up in one copy
                int first = positions[t], n = 1;
                while (t + n < tokens && positions[t + n] == first + n) n++;
                memory.current.upload(rows.storage().asSlice(first * rowBytes, n * rowBytes), first * rowBytes);
                stored = Math.max(stored, first + n);
                t += n;
            }
        }

        private void grow(int needed) {
            if (needed <= rowsAllocated) return;
            int rowsNew = Math.max(needed, Math.max(64, 2 * rowsAllocated));
            DeviceMemory bigger = context.allocate(rowsNew * rowBytes);
            if (memory.current != null) {
                bigger.copyFrom(memory.current, rowsAllocated * rowBytes);
                memory.current.close();
            }
            memory.current = bigger;
            rowsAllocated = rowsNew;
        }
    }

    /** What the cleaner frees: the mirror's current allocation (closing twice is harmless). */
    private static final class Holder {
        volatile DeviceMemory current;

        void close() {
            DeviceMemory d = current;
            if (d != null) d.close();
        }
    }
}
