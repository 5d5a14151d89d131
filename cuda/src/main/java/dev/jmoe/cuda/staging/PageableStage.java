package dev.jmoe.cuda.staging;

import dev.jmoe.host.engine.ExpertRuns;
import dev.jmoe.host.mem.ByteSize;

import java.util.List;

/** {@code --expert-pin off}: every run is one copy straight from the mapped tensor. */
final class PageableStage implements ExpertStage {
    private final List<ExpertTensor> tensors;

    PageableStage(List<ExpertTensor> tensors) {
        this.tensors = tensors;
    }

    /** One span over the run in the tensor itself; shared with {@link RegisteredStage}, whose source is the same. */
    static StageLease inPlace(ExpertTensor t, ExpertRuns.Run run, boolean pinned) {
        UploadSpan span = new UploadSpan(t.expertAddress(run.first()), t.expertBytes() * run.count(), 0, pinned);
        return new StageLease(List.of(span), () -> {});
    }

    @Override
    public PinMode mode() {
        return PinMode.OFF;
    }

    @Override
    public StageLease lease(int tensor, ExpertRuns.Run run) {
        return inPlace(tensors.get(tensor), run, false);
    }

    @Override
    public long pinnedBytes() {
        return 0;
    }

    @Override
    public String describe() {
        long bytes = tensors.stream().mapToLong(ExpertTensor::bytes).sum();
        return "expert-pin: off (" + ByteSize.format(bytes) + " of experts uploaded from pageable memory)";
    }

    @Override
    public void close() {
    }
}
