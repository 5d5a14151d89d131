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
 * row the forward pass stores there ({@link #store}, after the host backend wrote it) is read back as the floats
 * the host's own attention would read (so an f16 or q8_0 cache gives the same inputs on both) and copied into an F32
 * mirror on the device, grown by doubling; {@link #attend} then runs {@code attention_f32} there. A mirror lives
 * as long as the cache rows it mirrors: when a session's cache is gone, its device memory is freed.
 *
 * <p>One call at a time ({@code synchronized}): the launch and the staging buffers are shared.
 */
public final class GpuAttention implements KvAttention, AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int WARPS_PER_BLOCK = 8;

    private final CudaContext context;
    private final CUmodule module;
    private final KernelLaunch launch;
    private final Map<KvRows, Mirror> mirrors = new WeakHashMap<>();
    private DeviceMemory queries, outputs, positionsBuffer;
    private float[] rows = new float[0];

    public GpuAttention(CudaContext context) {
        this.context = context;
        module = context.load(Ptx.image(Ptx.ATTENTION));
        launch = new KernelLaunch(module, Ptx.ATTENTION_F32, "PPPPIIIIIIIFP");
    }

    /** Whether the kernel takes heads of this shape. */
    public static boolean fits(AttentionShape s) {
        return s.keyLength() <= Ptx.ATTENTION_MAX_HEAD && s.valueLength() <= Ptx.ATTENTION_MAX_HEAD && s.heads() % s.kvHeads() == 0;
    }

    /** Mirrors the rows the host just stored at {@code positions}: {@code k} and {@code v} are {@code tokens} rows each. */
    @Override
    public synchronized void store(KvCache.Layer kv, float[] k, float[] v, int tokens, int[] positions) {
        mirror(kv.keys(), k.length / tokens).store(kv.keys(), tokens, positions);
        if (!kv.sharesRows()) mirror(kv.values(), v.length / tokens).store(kv.values(), tokens, positions);
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
        queries = atLeast(queries, 4L * queriesCount * s.keyLength());
        outputs = atLeast(outputs, 4L * queriesCount * s.valueLength());
        positionsBuffer = atLeast(positionsBuffer, 4L * tokens);
        queries.upload(q, queriesCount * s.keyLength());
        positionsBuffer.upload(positions, tokens);
        launch.pointer(0, queries.address()).pointer(1, keys.memory().address()).pointer(2, values.memory().address())
                .pointer(3, positionsBuffer.address()).integer(4, tokens).integer(5, s.heads()).integer(6, s.kvHeads())
                .integer(7, s.keyLength()).integer(8, s.valueLength()).integer(9, keys.width).integer(10, values.width)
                .real(11, s.scale()).pointer(12, outputs.address())
                .launch((queriesCount + WARPS_PER_BLOCK - 1) / WARPS_PER_BLOCK, 1, 32 * WARPS_PER_BLOCK, 1, null);
        outputs.download(out, queriesCount * s.valueLength());
    }

    private Mirror mirror(KvRows rows, int width) {
        Mirror m = mirrors.get(rows);
        if (m == null) {
            m = new Mirror(width);
            mirrors.put(rows, m);
        }
        return m;
    }

    private DeviceMemory atLeast(DeviceMemory current, long bytes) {
        if (current != null && current.bytes() >= bytes) return current;
        if (current != null) current.close();
        return context.allocate(Math.max(bytes, 1L << 16));
    }

    @Override
    public synchronized void close() {
        for (Mirror m : new ArrayList<>(mirrors.values())) m.memory.close();
        mirrors.clear();
        for (DeviceMemory d : new DeviceMemory[] {queries, outputs, positionsBuffer}) if (d != null) d.close();
        JCudaDriver.cuModuleUnload(module);
    }

    /** The device copy of one KvRows: F32 rows of {@code width}, {@code stored} of them valid from 0. */
    private final class Mirror {
        final int width;
        /** The allocation, in a holder the cleaner frees when the mirror (and so its cache) is gone. */
        private final Holder memory = new Holder();
        int rowsAllocated;
        int stored;

        Mirror(int width) {
            this.width = width;
            Holder h = memory;
            CLEANER.register(this, h::close);
        }

        DeviceMemory memory() {
            return memory.current;
        }

        void store(KvRows source, int tokens, int[] positions) {
            int last = 0;
            for (int t = 0; t < tokens; t++) last = Math.max(last, positions[t]);
            grow(last + 1);
            int t = 0;
            while (t < tokens) {   // runs of consecutive positions go up in one copy
                int first = positions[t], n = 1;
                while (t + n < tokens && positions[t + n] == first + n) n++;
                if (rows.length < n * width) rows = new float[n * width];
                for (int i = 0; i < n; i++) source.read(first + i, 0, width, rows, i * width);
                memory.current.upload(rows, 0, n * width, 4L * first * width);
                stored = Math.max(stored, first + n);
                t += n;
            }
        }

        private void grow(int needed) {
            if (needed <= rowsAllocated) return;
            int rowsNew = Math.max(needed, Math.max(64, 2 * rowsAllocated));
            DeviceMemory bigger = context.allocate(4L * rowsNew * width);
            if (memory.current != null) {
                bigger.copyFrom(memory.current, 4L * rowsAllocated * width);
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
