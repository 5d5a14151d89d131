package dev.jmoe.host.mem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What the kernel says about this process (/proc/self): the independent view tests check against. */
final class ProcSelf {
    private ProcSelf() {}

    /** Whether any mapping in /proc/self/maps covers {@code address}. */
    static boolean isMapped(long address) {
        return lines("maps").stream().anyMatch(l -> covers(l, address));
    }

    /** The VmFlags line of the /proc/self/smaps entry covering {@code address}. */
    static Optional<String> vmFlags(long address) {
        boolean inside = false;
        for (String line : lines("smaps")) {
            if (line.split(" ", 2)[0].matches("[0-9a-f]+-[0-9a-f]+")) { // a mapping's header line
                inside = covers(line, address);
            } else if (inside && line.startsWith("VmFlags:")) {
                return Optional.of(line.substring("VmFlags:".length()).trim());
            }
        }
        return Optional.empty();
    }

    /** VmLck from /proc/self/status, in bytes. */
    static long lockedBytes() {
        for (String line : lines("status")) {
            if (line.startsWith("VmLck:")) {
                return Long.parseLong(line.substring(6).replace("kB", "").trim()) * 1024;
            }
        }
        throw new IllegalStateException("no VmLck in /proc/self/status");
    }

    /** The soft "Max locked memory" of /proc/self/limits in bytes, -1 for unlimited. */
    static long maxLockedMemorySoft() {
        for (String line : lines("limits")) {
            if (line.startsWith("Max locked memory")) {
                String soft = line.substring("Max locked memory".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? -1 : Long.parseLong(soft);
            }
        }
        throw new IllegalStateException("no Max locked memory in /proc/self/limits");
    }

    private static boolean covers(String mapsLine, long address) {
        String range = mapsLine.substring(0, mapsLine.indexOf(' '));
        int dash = range.indexOf('-');
        long start = Long.parseUnsignedLong(range.substring(0, dash), 16);
        long end = Long.parseUnsignedLong(range.substring(dash + 1), 16);
        return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
    }

    private static List<String> lines(String name) {
        try {
            return Files.readAllLines(Path.of("/proc/self", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
