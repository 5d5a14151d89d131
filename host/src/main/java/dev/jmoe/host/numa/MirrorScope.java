package dev.jmoe.host.numa;

import java.util.Locale;

/** {@code --numa-mirror}: what {@code --numa mirror} replicates per node. */
public enum MirrorScope {
    /** The expert tensors only (90-97% of the bytes, and the ones CPU workers read); the rest lives once. */
    EXPERTS("experts"),
    /** Every tensor. */
    ALL("all");

    private final String flag;

    MirrorScope(String flag) {
        this.flag = flag;
    }

    public String flag() {
        return flag;
    }

    public static MirrorScope parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        for (MirrorScope s : values()) if (s.flag.equals(t)) return s;
        throw new IllegalArgumentException("unknown --numa-mirror scope '" + text + "' (expected experts or all)");
    }
}
