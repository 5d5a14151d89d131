package dev.jmoe.host.engine;

import dev.jmoe.host.model.RopeStyle;

/** Rotary position embedding of the first {@code dims} elements of each head, with frequency base {@code base}. */
public record RopeSpec(RopeStyle style, int dims, float base) {}
