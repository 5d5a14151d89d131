package dev.jmoe.host.mem;

import java.util.Locale;

/** Byte counts for people: binary units, one decimal ("8.0 MiB", "12.3 GiB"). */
public final class ByteSize {
    public static final long KIB = 1024L;
    public static final long MIB = 1024L * KIB;
    public static final long GIB = 1024L * MIB;
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private ByteSize() {}

    public static String format(long bytes) {
        if (bytes < KIB) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 - 0.05 && unit < UNITS.length - 1) { // 1023.99 MiB prints as 1.0 GiB, not 1024.0 MiB
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** {@code value} rounded up to a multiple of {@code unit} (a power of two). */
    public static long roundUp(long value, long unit) {
        return (value + unit - 1) & -unit;
    }

    /** {@code value} rounded down to a multiple of {@code unit} (a power of two). */
    public static long roundDown(long value, long unit) {
        return value & -unit;
    }
}
