package dev.jmoe.cuda.staging;

import dev.jmoe.host.engine.ExpertRuns;
import dev.jmoe.host.mem.ByteSize;

import java.util.ArrayList;
import java.util.List;

/** {@code --expert-pin register}: the mapped expert pages pinned in place (read-only), uploaded from there. */
final class RegisteredStage implements ExpertStage {
    private final List<ExpertTensor> tensors;
    private final List<DeviceCopies.PinnedMemory> pinned;
    private final long pinnedBytes;

    private RegisteredStage(List<ExpertTensor> tensors, List<DeviceCopies.PinnedMemory> pinned) {
        this.tensors = tensors;
        this.pinned = pinned;
        this.pinnedBytes = pinned.stream().mapToLong(DeviceCopies.PinnedMemory::bytes).sum();
    }

    /** Pins every range of the plan, or none: a refusal unpins what was pinned and says which range failed. */
    static RegisteredStage pin(List<ExpertTensor> tensors, DeviceCopies copies) throws PinRefusedException {
        List<DeviceCopies.PinnedMemory> done = new ArrayList<>();
        for (RegisterPlan.Range r : RegisterPlan.of(tensors)) {
            try {
                done.add(copies.register(r.start(), r.bytes(), true));
            } catch (PinRefusedException e) {
                done.forEach(DeviceCopies.PinnedMemory::close);
                throw new PinRefusedException("pinning " + ByteSize.format(r.bytes()) + " of mapped experts at 0x"
                        + Long.toHexString(r.start()) + ": " + e.getMessage());
            }
        }
        return new RegisteredStage(tensors, done);
    }

    @Override
    public PinMode mode() {
        return PinMode.REGISTER;
    }

    @Override
    public StageLease lease(int tensor, ExpertRuns.Run run) {
        return PageableStage.inPlace(tensors.get(tensor), run, true);
    }

    @Override
    public long pinnedBytes() {
        return pinnedBytes;
    }

    @Override
    public String describe() {
        return "expert-pin: register (" + ByteSize.format(pinnedBytes) + " of mapped expert pages pinned in place in "
                + pinned.size() + " range" + (pinned.size() == 1 ? "" : "s") + ", no copy)";
    }

    @Override
    public void close() {
        pinned.forEach(DeviceCopies.PinnedMemory::close);
    }
}
