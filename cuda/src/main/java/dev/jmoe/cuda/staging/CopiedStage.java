package dev.jmoe.cuda.staging;

import dev.jmoe.host.engine.ExpertRuns;
import dev.jmoe.host.mem.AlignedMemory;
import dev.jmoe.host.numa.MemPolicy;
import dev.jmoe.host.mem.ByteSize;
import dev.jmoe.host.ui.ProgressBar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --expert-pin copy}: pinned copies of expert slabs (one expert of one tensor), filled on first use (or
 * all at once, {@link #fillEagerly}), at most {@code budget} bytes of pinned blocks, least recently used slab
 * evicted first. Slabs of one size share blocks of about {@link #BLOCK_TARGET}, so a block registration is one
 * driver call for many slabs. A slab held by an open lease is never evicted; when nothing can be evicted the
 * run is uploaded from the mapped tensor instead (a miss all the same).
 */
final class CopiedStage implements ExpertStage {
    static final long BLOCK_TARGET = 64 * ByteSize.MIB;
    private static final Logger LOG = LoggerFactory.getLogger(CopiedStage.class);

    private final List<ExpertTensor> tensors;
    private final DeviceCopies copies;
    private final PcieMeter meter;
    private final long budget;
    /** Where the blocks' pages go (the GPU's NUMA node), or null for the thread's policy. */
    private final MemPolicy.Policy blockPolicy;
    private final SlabCopier copier;
    private final Map<Long, SizeClass> classes = new HashMap<>();
    /** Access order: the first entry is the least recently used. */
    private final LinkedHashMap<SlabKey, Slab> slabs = new LinkedHashMap<>(64, 0.75f, true);
    private long blockBytes;
    private String growthRefused;

    record SlabKey(int tensor, int expert) {}

    private record SizeClass(long slabBytes, long blockBytes, List<Block> blocks) {}

    private static final class Block {
        final PinnedBlock memory;
        final SizeClass sizeClass;
        final ArrayDeque<Long> free = new ArrayDeque<>();
        int used;

        Block(PinnedBlock memory, SizeClass sizeClass) {
            this.memory = memory;
            this.sizeClass = sizeClass;
            long slots = memory.bytes() / sizeClass.slabBytes();
            for (long i = 0; i < slots; i++) free.add(memory.address() + i * sizeClass.slabBytes());
        }
    }

    private static final class Slab {
        final SlabKey key;
        final Block block;
        final long address;
        int holds;

        Slab(SlabKey key, Block block, long address) {
            this.key = key;
            this.block = block;
            this.address = address;
        }
    }

    private CopiedStage(List<ExpertTensor> tensors, DeviceCopies copies, long budget, PcieMeter meter, MemPolicy.Policy blockPolicy,
                        SlabCopier copier) {
        this.tensors = tensors;
        this.copies = copies;
        this.budget = budget;
        this.meter = meter;
        this.blockPolicy = blockPolicy;
        this.copier = copier;
    }

    /** The cache, with its first block already pinned so that a refusal shows at load, not mid-prefill. */
    static CopiedStage open(List<ExpertTensor> tensors, DeviceCopies copies, long budget, PcieMeter meter)
            throws PinRefusedException {
        return open(tensors, copies, budget, meter, null, List.of());
    }

    /**
     * As {@link #open(List, DeviceCopies, long, PcieMeter)}, the blocks' pages placed by {@code blockPolicy} (null:
     * the thread's) and filled by threads pinned to {@code fillCpus} (empty: unpinned).
     */
    static CopiedStage open(List<ExpertTensor> tensors, DeviceCopies copies, long budget, PcieMeter meter, MemPolicy.Policy blockPolicy,
                            List<Integer> fillCpus) throws PinRefusedException {
        CopiedStage stage = new CopiedStage(tensors, copies, budget, meter, blockPolicy, new SlabCopier(fillCpus));
        try {
            SizeClass first = stage.sizeClass(tensors.getFirst().expertBytes());
            if (first.blockBytes() > budget) {
                throw new PinRefusedException("--pin-cache-gib " + ByteSize.format(budget) + " is below one pinned block of "
                        + ByteSize.format(first.blockBytes()) + " (one expert slab rounded to 2 MiB)");
            }
            stage.grow(first);
            return stage;
        } catch (PinRefusedException | RuntimeException e) {
            stage.close();
            throw e;
        }
    }

    /**
     * Blocks of about BLOCK_TARGET in whole 2 MiB pages; smaller when the budget is, or when fewer slabs of this
     * size exist than would fill one.
     */
    private SizeClass sizeClass(long slabBytes) {
        return classes.computeIfAbsent(slabBytes, s -> {
            long align = AlignedMemory.ALIGNMENT;
            long slabs = tensors.stream().filter(t -> t.expertBytes() == s).mapToLong(ExpertTensor::experts).sum();
            long block = ByteSize.roundUp(Math.max(s, Math.min(slabs, BLOCK_TARGET / s) * s), align);
            if (block > budget) block = Math.max(ByteSize.roundUp(s, align), ByteSize.roundDown(budget, align));
            return new SizeClass(s, Math.min(block, ByteSize.roundUp(Math.max(s, RegisterPlan.CHUNK_BYTES), align)),
                    new ArrayList<>());
        });
    }

    @Override
    public PinMode mode() {
        return PinMode.COPY;
    }

    @Override
    public synchronized StageLease lease(int tensor, ExpertRuns.Run run) {
        ExpertTensor t = tensors.get(tensor);
        List<UploadSpan> spans = new ArrayList<>();
        List<Slab> held = new ArrayList<>();
        for (int i = 0; i < run.count(); i++) {
            int expert = run.first() + i;
            SlabKey key = new SlabKey(tensor, expert);
            Slab slab = slabs.get(key);
            if (slab != null) {
                meter.hit();
            } else {
                meter.miss();
                slab = place(key, true);
                if (slab != null) fill(slab, t, expert);
            }
            long offset = i * t.expertBytes();
            if (slab == null) {
                append(spans, new UploadSpan(t.expertAddress(expert), t.expertBytes(), offset, false));
            } else {
                slab.holds++;
                held.add(slab);
                append(spans, new UploadSpan(slab.address, t.expertBytes(), offset, true));
            }
        }
        return new StageLease(spans, () -> release(held));
    }

    /** Slabs next to each other in the cache and in the run travel as one copy. */
    private static void append(List<UploadSpan> spans, UploadSpan s) {
        if (!spans.isEmpty()) {
            UploadSpan last = spans.getLast();
            if (last.pinned() == s.pinned() && last.hostAddress() + last.bytes() == s.hostAddress()
                    && last.runOffset() + last.bytes() == s.runOffset()) {
                spans.set(spans.size() - 1, new UploadSpan(last.hostAddress(), last.bytes() + s.bytes(), last.runOffset(), s.pinned()));
                return;
            }
        }
        spans.add(s);
    }

    private synchronized void release(List<Slab> held) {
        for (Slab s : held) s.holds--;
    }

    /**
     * Fills every slab, tensor by tensor, until the budget is used; evicts nothing. A progress bar on a terminal.
     * Returns the slabs filled.
     */
    synchronized int fillEagerly() {
        long total = tensors.stream().mapToLong(ExpertTensor::bytes).sum();
        int filled = 0;
        long done = 0;
        try (ProgressBar bar = ProgressBar.forTerminal("pinning experts", Math.min(total, budget))) {
            for (int ti = 0; ti < tensors.size(); ti++) {
                ExpertTensor t = tensors.get(ti);
                for (int e = 0; e < t.experts(); e++) {
                    SlabKey key = new SlabKey(ti, e);
                    if (slabs.containsKey(key)) continue;
                    Slab slab = place(key, false);
                    if (slab == null) return filled;
                    fill(slab, t, e);
                    filled++;
                    done += t.expertBytes();
                    bar.update(done);
                }
            }
        }
        return filled;
    }

    /** A slot for {@code key}: a free one, a new block, or (when {@code evict}) an evicted slab's; null if none. */
    private Slab place(SlabKey key, boolean evict) {
        SizeClass c = sizeClass(tensors.get(key.tensor()).expertBytes());
        while (true) {
            for (Block b : c.blocks()) {
                if (!b.free.isEmpty()) {
                    Slab s = new Slab(key, b, b.free.pop());
                    b.used++;
                    slabs.put(key, s);
                    return s;
                }
            }
            if (canGrow(c)) {
                try {
                    grow(c);
                    continue;
                } catch (PinRefusedException e) {
                    growthRefused = e.getMessage();
                    LOG.warn("expert-pin copy: the cache stops growing at {}: {}", ByteSize.format(blockBytes), e.getMessage());
                }
            }
            if (!evict) return null;
            Slab victim = leastRecentlyUsed(c);
            if (victim != null) {
                evict(victim, false);
                continue;
            }
            // All of this size's slabs are held, or the budget went to other sizes: empty one of their blocks.
            if (growthRefused != null || c.blockBytes() > budget) return null;
            victim = leastRecentlyUsed(null);
            if (victim == null) return null;
            evict(victim, true);
        }
    }

    private boolean canGrow(SizeClass c) {
        return growthRefused == null && blockBytes + c.blockBytes() <= budget;
    }

    private void grow(SizeClass c) throws PinRefusedException {
        c.blocks().add(new Block(PinnedBlock.allocate(c.blockBytes(), copies, blockPolicy), c));
        blockBytes += c.blockBytes();
    }

    /** The least recently used slab no lease holds, of size class {@code c} (any when null). */
    private Slab leastRecentlyUsed(SizeClass c) {
        for (Slab s : slabs.values()) {
            if (s.holds == 0 && (c == null || s.block.sizeClass == c)) return s;
        }
        return null;
    }

    /** Frees the slab's slot; with {@code release}, a block left empty is unpinned and freed for another size. */
    private void evict(Slab victim, boolean release) {
        slabs.remove(victim.key);
        meter.eviction();
        Block b = victim.block;
        b.free.push(victim.address);
        b.used--;
        if (release && b.used == 0) {
            b.sizeClass.blocks().remove(b);
            blockBytes -= b.memory.bytes();
            b.memory.close();
        }
    }

    private void fill(Slab slab, ExpertTensor t, int expert) {
        copier.copy(t.expertAddress(expert), slab.address, t.expertBytes());
    }

    @Override
    public synchronized long pinnedBytes() {
        return blockBytes;
    }

    /** Slabs cached now. */
    synchronized int cachedSlabs() {
        return slabs.size();
    }

    synchronized boolean isCached(int tensor, int expert) {
        return slabs.containsKey(new SlabKey(tensor, expert));
    }

    @Override
    public synchronized String describe() {
        long bytes = tensors.stream().mapToLong(ExpertTensor::bytes).sum();
        return "expert-pin: copy (pinned cache up to " + ByteSize.format(budget) + " for " + ByteSize.format(bytes)
                + " of experts, " + ByteSize.format(blockBytes) + " pinned now)";
    }

    @Override
    public synchronized void close() {
        for (SizeClass c : classes.values()) {
            for (Iterator<Block> it = c.blocks().iterator(); it.hasNext(); ) {
                it.next().memory.close();
                it.remove();
            }
        }
        slabs.clear();
        blockBytes = 0;
        copier.close();
    }
}
