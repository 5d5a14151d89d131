package dev.jmoe.host.topo;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@link PciLink}s from {@code /sys/bus/pci/devices/<bus id>/}. */
public final class PciLinkReader {
    static final String DEVICES = "/sys/bus/pci/devices";
    /** domain:bus:device.function; CUDA prints an 8-digit domain, sysfs a 4-digit one. */
    private static final Pattern BUS_ID = Pattern.compile("(?:([0-9a-f]{1,8}):)?([0-9a-f]{2}):([0-9a-f]{2})\\.([0-7])");
    private static final Pattern RATE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?) GT/s.*");

    private final SysTree sys;

    public PciLinkReader(SysTree sys) {
        this.sys = sys;
    }

    /** The device's link, or empty when the bus id is malformed or sysfs has no such device. */
    public Optional<PciLink> read(String busId) {
        Optional<String> id = sysfsBusId(busId);
        if (id.isEmpty() || !sys.exists(DEVICES + "/" + id.get())) return Optional.empty();
        String dir = DEVICES + "/" + id.get() + "/";
        int node = sys.readLongIfPresent(dir + "numa_node").orElse(-1L).intValue();
        return Optional.of(new PciLink(id.get(), node,
                state(dir + "current_link_speed", dir + "current_link_width"),
                state(dir + "max_link_speed", dir + "max_link_width")));
    }

    /** The NUMA node the device at {@code busId} hangs off; empty where sysfs does not say (or has no such device). */
    public OptionalInt numaNode(String busId) {
        return read(busId).map(PciLink::node).orElse(OptionalInt.empty());
    }

    /** The sysfs directory name for a bus id in CUDA's or sysfs's spelling ({@code 00000000:1B:00.0}). */
    static Optional<String> sysfsBusId(String busId) {
        Matcher m = BUS_ID.matcher(busId.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) return Optional.empty();
        long domain = m.group(1) == null ? 0 : Long.parseLong(m.group(1), 16);
        if (domain > 0xffff) return Optional.empty();
        return Optional.of(String.format(Locale.ROOT, "%04x:%s:%s.%s", domain, m.group(2), m.group(3), m.group(4)));
    }

    /** Speed files read e.g. {@code 16.0 GT/s PCIe}, {@code 8 GT/s} or {@code Unknown}. */
    private PciLink.LinkState state(String speedFile, String widthFile) {
        Optional<String> speed = sys.readIfPresent(speedFile).map(String::strip);
        int width = sys.readLongIfPresent(widthFile).orElse(0L).intValue();
        Matcher m = RATE.matcher(speed.orElse(""));
        if (!m.matches()) return new PciLink.LinkState(0, Optional.empty(), width);
        double rate = Double.parseDouble(m.group(1));
        return new PciLink.LinkState(rate, PcieGeneration.ofRate(rate), width);
    }
}
