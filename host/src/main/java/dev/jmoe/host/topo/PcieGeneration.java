package dev.jmoe.host.topo;

import java.util.Optional;

/**
 * PCI Express generations by their per-lane transfer rate, with the payload throughput one lane
 * carries in one direction after line encoding (8b/10b up to gen 2, 128b/130b for gens 3 to 5,
 * FLIT mode with 242 of 256 bytes payload for gen 6). Packet headers cost a few percent more, so
 * measured copies land below these figures.
 */
public enum PcieGeneration {
    GEN1(2.5, 2.5e9 * 8 / 10 / 8),
    GEN2(5.0, 5.0e9 * 8 / 10 / 8),
    GEN3(8.0, 8.0e9 * 128 / 130 / 8),
    GEN4(16.0, 16.0e9 * 128 / 130 / 8),
    GEN5(32.0, 32.0e9 * 128 / 130 / 8),
    GEN6(64.0, 64.0e9 / 8 * 242 / 256);

    private final double gigaTransfersPerSecond;
    private final double laneBytesPerSecond;

    PcieGeneration(double gigaTransfersPerSecond, double laneBytesPerSecond) {
        this.gigaTransfersPerSecond = gigaTransfersPerSecond;
        this.laneBytesPerSecond = laneBytesPerSecond;
    }

    /** 1 for gen 1, and so on. */
    public int number() {
        return ordinal() + 1;
    }

    public double gigaTransfersPerSecond() {
        return gigaTransfersPerSecond;
    }

    /** Payload bytes per second one lane carries in one direction, after encoding. */
    public double laneBytesPerSecond() {
        return laneBytesPerSecond;
    }

    /** The generation whose rate this is (sysfs prints e.g. {@code 16.0 GT/s PCIe} or {@code 2.5 GT/s}). */
    public static Optional<PcieGeneration> ofRate(double gigaTransfersPerSecond) {
        for (PcieGeneration g : values()) {
            if (Math.abs(g.gigaTransfersPerSecond - gigaTransfersPerSecond) < 0.01) return Optional.of(g);
        }
        return Optional.empty();
    }
}
