package dev.jmoe.host.mem;

import java.util.Locale;

/**
 * The page size a load asks for ({@code --hugepages off|thp|2m|1g}). Anything but {@link #OFF}
 * means an anonymous copy of the file region; when a kind cannot be had the load falls back to
 * the next smaller one ({@link #fallback()}), never failing for it.
 */
public enum HugePageMode {
    OFF("off", 4 * ByteSize.KIB, LoadMode.ANON_4K),
    THP("thp", 2 * ByteSize.MIB, LoadMode.THP),
    MB2("2m", 2 * ByteSize.MIB, LoadMode.HUGETLB_2M),
    GB1("1g", ByteSize.GIB, LoadMode.HUGETLB_1G);

    private final String flag;
    private final long pageBytes;
    private final LoadMode mode;

    HugePageMode(String flag, long pageBytes, LoadMode mode) {
        this.flag = flag;
        this.pageBytes = pageBytes;
        this.mode = mode;
    }

    /** The CLI spelling: off, thp, 2m or 1g. */
    public String flag() {
        return flag;
    }

    public long pageBytes() {
        return pageBytes;
    }

    /** The mode a copy has when this kind is granted. */
    public LoadMode mode() {
        return mode;
    }

    /** The next smaller kind to try: 1g → 2m → thp → off; {@code null} after off. */
    public HugePageMode fallback() {
        return switch (this) {
            case GB1 -> MB2;
            case MB2 -> THP;
            case THP -> OFF;
            case OFF -> null;
        };
    }

    /** Parses the CLI spelling, naming the accepted values when it is wrong. */
    public static HugePageMode parse(String flag) {
        String f = flag.trim().toLowerCase(Locale.ROOT);
        for (HugePageMode h : values()) {
            if (h.flag.equals(f)) {
                return h;
            }
        }
        throw new IllegalArgumentException("--hugepages: '" + flag + "' is not one of off, thp, 2m, 1g");
    }
}
