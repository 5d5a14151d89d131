package dev.jmoe.host.topo;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A PCI device's place in the machine as sysfs tells it: its NUMA node and its PCIe link, now and
 * at most. GPUs train their link down when idle, so {@code current} below {@code max} on an idle
 * GPU is normal; under load they run at {@code max} unless a slot or riser limits them.
 *
 * @param busId    sysfs form, {@code 0000:17:00.0}
 * @param numaNode the node the device hangs off; -1 where the firmware does not say
 */
public record PciLink(String busId, int numaNode, LinkState current, LinkState max) {

    /**
     * One state of a link.
     *
     * @param rate       transfer rate per lane in GT/s, 0 when the kernel does not know it
     * @param generation the generation of that rate, if it is a standard one
     * @param width      lanes, 0 when the kernel does not know them
     */
    public record LinkState(double rate, Optional<PcieGeneration> generation, int width) {
        public static final LinkState UNKNOWN = new LinkState(0, Optional.empty(), 0);

        /** Theoretical one-direction payload throughput of this link, if generation and width are known. */
        public Optional<Double> bytesPerSecond() {
            return width <= 0 ? Optional.empty() : generation.map(g -> g.laneBytesPerSecond() * width);
        }
    }

    public OptionalInt node() {
        return numaNode < 0 ? OptionalInt.empty() : OptionalInt.of(numaNode);
    }
}
