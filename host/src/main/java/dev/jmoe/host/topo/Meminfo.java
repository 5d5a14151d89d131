package dev.jmoe.host.topo;

import java.util.HashMap;
import java.util.Map;

/**
 * A meminfo file: {@code /proc/meminfo} ({@code MemTotal:  4024532 kB}) or a node's
 * ({@code Node 0 MemTotal:  4024532 kB}). Values in bytes by field name.
 */
final class Meminfo {
    private final SysTree sys;
    private final String path;
    private final Map<String, Long> bytes = new HashMap<>();

    Meminfo(SysTree sys, String path) {
        this.sys = sys;
        this.path = path;
        for (String line : sys.read(path).split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String[] key = line.substring(0, colon).strip().split("\\s+");
            String[] value = line.substring(colon + 1).strip().split("\\s+");
            bytes.put(key[key.length - 1], parse(line, value));
        }
    }

    /** A field that must be there (MemTotal, MemFree). */
    long bytes(String field) {
        Long b = bytes.get(field);
        if (b == null) throw new TopologyFormatException(sys.resolve(path), "no " + field + " line");
        return b;
    }

    private long parse(String line, String[] value) {
        try {
            long n = Long.parseLong(value[0]);
            if (value.length == 1) return n;
            if (value.length == 2 && value[1].equals("kB")) return n * 1024;
        } catch (NumberFormatException e) {
            // reported below with the line
        }
        throw new TopologyFormatException(sys.resolve(path), "cannot read the line '" + line.strip() + "'");
    }
}
