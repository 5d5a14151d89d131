package dev.jmoe.host.mem;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What one load did: bytes placed, the mode actually used, whether they are locked, wall time and
 * the fallbacks taken on the way (one line each, in order).
 */
public record LoadReport(Path file, long offset, long bytes, LoadMode mode, boolean locked,
                         double seconds, List<String> fallbacks) {
    public LoadReport {
        fallbacks = List.copyOf(fallbacks);
    }

    /** Decimal GB per second; for a lazy mapping this only measures the mmap call. */
    public double gbPerSecond() {
        return seconds <= 0 ? 0 : bytes / 1e9 / seconds;
    }

    /** Whether the mode used differs from the one asked for. */
    public boolean fellBack() {
        return !fallbacks.isEmpty();
    }

    /** One line: what was loaded, how, how fast. */
    public String summary() {
        // A plain mmap without mlock reads nothing yet: pages fault in on first use.
        String lazy = mode == LoadMode.MMAP && !locked ? ", lazy" : "";
        String fell = fallbacks.isEmpty() ? "" : ", " + fallbacks.size() + " fallback(s)";
        return String.format(Locale.ROOT, "%s: %s (%d bytes) at offset %d, %s (%s)%s%s, %.3f s, %.2f GB/s%s",
                file.getFileName(), ByteSize.format(bytes), bytes, offset, mode.label(), mode.description(),
                locked ? ", mlocked" : "", lazy, seconds, gbPerSecond(), fell);
    }
}
