package dev.jmoe.cuda.staging;

import java.util.List;

/**
 * Where to copy one run of experts from, held until closed: while a lease is open, the memory its spans name
 * is neither evicted nor unpinned nor freed, so an upload in flight reads what it was given. Close it once the
 * copies have completed (their event has been synchronised).
 */
public final class StageLease implements AutoCloseable {
    private final List<UploadSpan> spans;
    private Runnable release;

    StageLease(List<UploadSpan> spans, Runnable release) {
        this.spans = List.copyOf(spans);
        this.release = release;
    }

    public List<UploadSpan> spans() {
        return spans;
    }

    public long bytes() {
        long n = 0;
        for (UploadSpan s : spans) n += s.bytes();
        return n;
    }

    @Override
    public synchronized void close() {
        if (release == null) return;
        Runnable r = release;
        release = null;
        r.run();
    }
}
