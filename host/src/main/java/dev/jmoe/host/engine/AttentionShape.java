package dev.jmoe.host.engine;

/** Heads of one attention op: query heads share kv heads in groups of heads / kvHeads; scores times {@code scale}. */
public record AttentionShape(int heads, int kvHeads, int keyLength, int valueLength, float scale) {}
