package dev.jmoe.cuda.staging;

import dev.jmoe.host.engine.ExpertRuns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Consumer;

/**
 * The host side of expert uploads in the current pin mode, switchable while the engine runs. A lease taken before
 * a switch keeps the old mode's memory (pinned pages, cached slabs) alive until it closes; the old mode is torn
 * down when its last lease closes, and new leases get the new mode at once. Building a mode falls back
 * register → copy → off, one warning per refusal naming why.
 */
public final class ExpertStaging implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExpertStaging.class);

    private final List<ExpertTensor> tensors;
    private final DeviceCopies copies;
    private final StagingOptions options;
    private final PcieMeter meter;
    private final Consumer<String> warnings;
    /** One switch at a time: each builds its mode outside the lease lock, which must not happen twice at once. */
    private final Object switching = new Object();
    private Current current;
    private boolean closed;

    /** A stage and the leases open on it; {@code retired} once another mode replaced it. */
    private static final class Current {
        final ExpertStage stage;
        int leases;
        boolean retired;

        Current(ExpertStage stage) {
            this.stage = stage;
        }
    }

    private ExpertStaging(List<ExpertTensor> tensors, DeviceCopies copies, StagingOptions options, PcieMeter meter,
                          Consumer<String> warnings) {
        this.tensors = List.copyOf(tensors);
        this.copies = copies;
        this.options = options;
        this.meter = meter;
        this.warnings = warnings;
    }

    /**
     * Staging for {@code tensors} in the mode {@code options} ask for (or choose); {@code warnings} gets each
     * fallback line (the CLI prints them; they are logged too). {@link #describe()} is the load announcement.
     */
    public static ExpertStaging open(List<ExpertTensor> tensors, DeviceCopies copies, StagingOptions options,
                                     PcieMeter meter, Consumer<String> warnings) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("no expert tensors to stage");
        ExpertStaging s = new ExpertStaging(tensors, copies, options, meter, warnings);
        long bytes = tensors.stream().mapToLong(ExpertTensor::bytes).sum();
        s.current = new Current(s.build(options.initialMode(bytes)));
        meter.pinnedBytes(s::pinnedBytes);
        LOG.info(s.describe());
        return s;
    }

    /** The stage for {@code wanted}, or for the first mode down the fallback chain that is not refused. */
    private ExpertStage build(PinMode wanted) {
        for (PinMode mode = wanted; ; mode = mode.fallback()) {
            try {
                return switch (mode) {
                    case OFF -> new PageableStage(tensors);
                    case REGISTER -> RegisteredStage.pin(tensors, copies);
                    case COPY -> {
                        CopiedStage c = CopiedStage.open(tensors, copies, options.cacheBudgetBytes(), meter, options.blockPolicy(), options.fillCpus());
                        if (options.eager()) c.fillEagerly();
                        yield c;
                    }
                };
            } catch (PinRefusedException e) {
                String line = "--expert-pin " + mode.flag() + " refused: " + e.getMessage() + "; falling back to "
                        + mode.fallback().flag();
                LOG.warn(line);
                warnings.accept(line);
            }
        }
    }

    /** The upload sources of one run of experts of tensor {@code tensor}, held until the lease closes. */
    public StageLease lease(int tensor, ExpertRuns.Run run) {
        Current c;
        synchronized (this) {
            if (closed) throw new IllegalStateException("expert staging is closed");
            c = current;
            c.leases++;
        }
        StageLease inner;
        try {
            inner = c.stage.lease(tensor, run);
        } catch (RuntimeException e) {
            done(c);
            throw e;
        }
        return new StageLease(inner.spans(), () -> {
            inner.close();
            done(c);
        });
    }

    private void done(Current c) {
        boolean last;
        synchronized (this) {
            c.leases--;
            last = c.retired && c.leases == 0;
        }
        if (last) c.stage.close();
    }

    /**
     * Switches to {@code wanted} (falling back as at load) and returns the mode in force. The new mode is built
     * before it replaces the old one, so requests keep uploading throughout; the old one is closed now if no
     * lease holds it, else when its last lease closes.
     */
    public PinMode switchTo(PinMode wanted) {
        synchronized (switching) {
            synchronized (this) {
                if (closed) throw new IllegalStateException("expert staging is closed");
                if (current.stage.mode() == wanted) return wanted;
            }
            ExpertStage next = build(wanted);
            Current old;
            synchronized (this) {
                old = current;
                current = new Current(next);
                old.retired = true;
                if (old.leases > 0) old = null;
            }
            if (old != null) old.stage.close();
            LOG.info(next.describe());
            return next.mode();
        }
    }

    public synchronized PinMode mode() {
        return current.stage.mode();
    }

    /** Pinned bytes of the current mode. */
    public long pinnedBytes() {
        ExpertStage stage;
        synchronized (this) {
            stage = current.stage;
        }
        return stage.pinnedBytes();
    }

    /** The announcement line, e.g. {@code expert-pin: register (17.3 GiB of mapped expert pages pinned …)}. */
    public synchronized String describe() {
        return current.stage.describe();
    }

    public List<ExpertTensor> tensors() {
        return tensors;
    }

    /** Closes the current mode; leases still open keep their memory until they close. */
    @Override
    public void close() {
        Current c;
        synchronized (this) {
            if (closed) return;
            closed = true;
            c = current;
            c.retired = true;
            if (c.leases > 0) return;
        }
        c.stage.close();
    }
}
