package dev.jmoe.host.numa;

import java.util.Objects;

/** What {@code --numa} and {@code --numa-mirror} ask of a model load. */
public record NumaOptions(NumaMode mode, MirrorScope mirror) {
    public NumaOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(mirror, "mirror");
    }

    public static NumaOptions of(NumaMode mode) {
        return new NumaOptions(mode, MirrorScope.EXPERTS);
    }
}
