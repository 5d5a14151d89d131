package dev.jmoe.host.mem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Figures from /proc/meminfo. */
public final class MemInfo {
    private MemInfo() {}

    /** MemAvailable in bytes: what can be allocated without swapping; Long.MAX_VALUE when unknown. */
    public static long availableBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    String kb = line.substring("MemAvailable:".length()).replace("kB", "").trim();
                    return Long.parseLong(kb) * ByteSize.KIB;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Long.MAX_VALUE;
        }
        return Long.MAX_VALUE;
    }
}
