package dev.jmoe.cuda.staging;

import java.util.Locale;

/** {@code --expert-pin}: where prefill uploads of expert tensors read from. */
public enum PinMode {
    /** Straight from the mapped (pageable) tensors: the driver bounces them through its own pinned buffer. */
    OFF("off"),
    /** Cached pinned copies of expert slabs, bounded by {@code --pin-cache-gib}, LRU per slab. */
    COPY("copy"),
    /** The mapped pages pinned in place: full-rate uploads without a second copy in RAM. */
    REGISTER("register");

    private final String flag;

    PinMode(String flag) {
        this.flag = flag;
    }

    public String flag() {
        return flag;
    }

    /** The mode to try when this one is refused: register → copy → off. */
    public PinMode fallback() {
        return switch (this) {
            case REGISTER -> COPY;
            case COPY, OFF -> OFF;
        };
    }

    public static PinMode parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (PinMode m : values()) if (m.flag.equals(t)) return m;
        throw new IllegalArgumentException("--expert-pin: '" + text + "' is not one of off, copy, register");
    }
}
