package dev.jmoe.cuda.staging;

import dev.jmoe.host.engine.ExpertRuns;
import dev.jmoe.host.model.StagingRing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The upload half of a GPU expert layer during prefill: a ring of device staging slots, a copy stream, and events,
 * so the upload of layer L+1's experts runs while layer L's expert GEMMs do. The caller's order per layer is
 * {@link #upload} (for the next layer, as early as it knows the routing), then, on the compute stream, wait for
 * {@link StagedLayer#uploaded()}, run the GEMMs and report them with {@link #computed}. A slot is written again
 * only after the compute that read it has finished (the copy stream waits on that event, the host never blocks
 * for it), and the staging leases behind an upload are released once its copies are known to be done.
 *
 * <p>Every copy and compute interval goes to the {@link PcieMeter} at {@link #finish()}, measured by events
 * against the origin event recorded at {@link #begin}.
 */
public final class ExpertUploader implements AutoCloseable {
    public static final int DEFAULT_SLOTS = 3;

    private final ExpertStaging staging;
    private final PcieMeter meter;
    private final DeviceCopies.DeviceStream copyStream;
    private final Slot[] ring;
    private final List<Interval> pending = new ArrayList<>();
    private DeviceCopies.DeviceEvent origin;
    private long uploads;

    /** Experts of one layer on the device: where each expert of each tensor starts in the slot. */
    public record StagedLayer(int slot, DeviceCopies.DeviceBuffer buffer, int[] tensors, long[][] offsets,
                              DeviceCopies.DeviceEvent uploaded, long bytes) {
        /** Byte offset in {@link #buffer} of expert {@code expert} of {@code tensors[position]}; -1 when not uploaded. */
        public long offset(int position, int expert) {
            return offsets[position][expert];
        }
    }

    private static final class Slot {
        final DeviceCopies.DeviceBuffer buffer;
        StagedLayer layer;
        List<StageLease> leases = List.of();
        boolean consumed = true;
        DeviceCopies.DeviceEvent lastConsumer;

        Slot(DeviceCopies.DeviceBuffer buffer) {
            this.buffer = buffer;
        }
    }

    /** An event pair waiting to be read: a layer's copies (with bytes and copy count) or its compute. */
    private record Interval(DeviceCopies.DeviceEvent start, DeviceCopies.DeviceEvent end, long bytes, int copies,
                            boolean compute) {}

    /** {@code slots} (2–4) device buffers of {@code slotBytes}: the largest layer's expert bytes, see {@link #slotBytes}. */
    public ExpertUploader(DeviceCopies copies, ExpertStaging staging, PcieMeter meter, int slots, long slotBytes) {
        if (slots < 2 || slots > 4) throw new IllegalArgumentException("staging ring of " + slots + " slots; 2 to 4 overlap");
        this.staging = staging;
        this.meter = meter;
        this.copyStream = copies.newStream();
        this.ring = new Slot[slots];
        for (int i = 0; i < slots; i++) ring[i] = new Slot(copies.allocateDevice(slotBytes));
    }

    /** Slot size for layers whose expert tensors are {@code layers.get(l)}: all experts of the largest layer. */
    public static long slotBytes(List<List<ExpertTensor>> layers) {
        return StagingRing.slotBytes(layers.stream().map(l -> l.stream().mapToLong(ExpertTensor::bytes).sum()).toList());
    }

    /** Starts a prefill: the origin of its timeline. */
    public void begin() {
        meter.beginPrefill();
        origin = copyStream.record();
    }

    /**
     * Queues the copies of experts {@code runs} of the tensors {@code tensors} (staging indices, e.g. a layer's
     * gate, up and down) into the next slot, and returns where they land.
     */
    public StagedLayer upload(int[] tensors, List<ExpertRuns.Run> runs) {
        if (origin == null) throw new IllegalStateException("upload before begin()");
        int index = (int) (uploads++ % ring.length);
        Slot slot = ring[index];
        if (!slot.consumed) {
            throw new IllegalStateException("staging slot " + index + " is still read by layer upload "
                    + (uploads - 1 - ring.length) + ": report its compute first");
        }
        recycle(slot);
        if (slot.lastConsumer != null) copyStream.waitFor(slot.lastConsumer);
        // Leases first: a copy-mode miss fills its slab on the host here, which must not count as copy time.
        List<StageLease> leases = new ArrayList<>();
        for (int tensor : tensors) {
            for (ExpertRuns.Run run : runs) leases.add(staging.lease(tensor, run));
        }
        DeviceCopies.DeviceEvent start = copyStream.record();
        long[][] offsets = new long[tensors.length][];
        long at = 0;
        int copies = 0;
        int next = 0;
        for (int p = 0; p < tensors.length; p++) {
            ExpertTensor t = staging.tensors().get(tensors[p]);
            offsets[p] = new long[t.experts()];
            Arrays.fill(offsets[p], -1);
            for (ExpertRuns.Run run : runs) {
                StageLease lease = leases.get(next++);
                if (at + lease.bytes() > slot.buffer.bytes()) {
                    leases.forEach(StageLease::close);
                    throw new IllegalStateException("layer experts exceed the staging slot of " + slot.buffer.bytes() + " bytes");
                }
                for (UploadSpan s : lease.spans()) {
                    copyStream.toDevice(slot.buffer, at + s.runOffset(), s.hostAddress(), s.bytes());
                    copies++;
                }
                for (int i = 0; i < run.count(); i++) offsets[p][run.first() + i] = at + i * t.expertBytes();
                at += lease.bytes();
            }
        }
        DeviceCopies.DeviceEvent end = copyStream.record();
        pending.add(new Interval(start, end, at, copies, false));
        slot.leases = leases;
        slot.consumed = false;
        slot.layer = new StagedLayer(index, slot.buffer, tensors.clone(), offsets, end, at);
        return slot.layer;
    }

    /**
     * The GEMMs that read {@code layer} ran on the compute stream between these events (recorded there after
     * waiting for {@link StagedLayer#uploaded()}); the uploader owns the events from here and closes them.
     */
    public void computed(StagedLayer layer, DeviceCopies.DeviceEvent start, DeviceCopies.DeviceEvent end) {
        Slot slot = ring[layer.slot()];
        if (slot.layer != layer) throw new IllegalStateException("layer upload no longer owns its slot");
        slot.consumed = true;
        slot.lastConsumer = end;
        pending.add(new Interval(start, end, 0, 0, true));
    }

    /** Once its copies are done, the leases behind a slot's last upload are released. */
    private void recycle(Slot slot) {
        if (slot.leases.isEmpty()) return;
        slot.layer.uploaded().synchronize();
        slot.leases.forEach(StageLease::close);
        slot.leases = List.of();
    }

    /** Ends the prefill: waits for everything queued, releases every lease, and returns its meter snapshot. */
    public PcieSnapshot finish() {
        for (Slot slot : ring) {
            if (!slot.consumed) throw new IllegalStateException("prefill finished with a staged layer never computed");
            recycle(slot);
        }
        for (Interval i : pending) {
            i.end().synchronize();
            double startMs = i.start().millisSince(origin);
            double endMs = i.end().millisSince(origin);
            if (i.compute()) meter.compute(startMs, endMs);
            else meter.upload(i.bytes(), i.copies(), startMs, endMs);
            i.start().close();
            i.end().close();
        }
        pending.clear();
        for (Slot slot : ring) slot.lastConsumer = null;
        origin.close();
        origin = null;
        return meter.endPrefill();
    }

    @Override
    public void close() {
        for (Slot slot : ring) {
            slot.leases.forEach(StageLease::close);
            slot.buffer.close();
        }
        copyStream.close();
    }
}
