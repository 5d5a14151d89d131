package dev.jmoe.host.numa;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The {@code --numa} modes; the names are llama.cpp's where it has the same idea. */
public enum NumaMode {
    /** No placement: tensor data is wherever the memory layer put it (the page cache for mmap). */
    OFF("off"),
    /** Expert pages interleaved over every node, the rest on the node nearest the GPU (node 0 without one). */
    DISTRIBUTE("distribute"),
    /** Everything on the node the process starts on. */
    ISOLATE("isolate"),
    /** The inherited CPU set and memory policy (from numactl) are respected: nothing changes. */
    NUMACTL("numactl"),
    /** One replica of the expert tensors (or of everything) per node; workers read their node's replica. */
    MIRROR("mirror");

    private final String flag;

    NumaMode(String flag) {
        this.flag = flag;
    }

    public String flag() {
        return flag;
    }

    public static NumaMode parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        for (NumaMode m : values()) if (m.flag.equals(t)) return m;
        throw new IllegalArgumentException("unknown --numa mode '" + text + "' (expected one of "
                + Arrays.stream(values()).map(NumaMode::flag).collect(Collectors.joining(", ")) + ")");
    }
}
