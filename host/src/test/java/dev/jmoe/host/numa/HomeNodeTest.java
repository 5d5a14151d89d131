package dev.jmoe.host.numa;

import dev.jmoe.host.topo.CudaDevices;
import dev.jmoe.host.topo.GpuProbe;
import dev.jmoe.host.topo.HostTopology;
import dev.jmoe.host.topo.PciLink;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The node nearest the GPU takes the non-expert weights; node 0 when no GPU says where it hangs. */
class HomeNodeTest {
    private static HostTopology withGpusOn(int... nodes) {
        List<CudaDevices.Gpu> gpus = new java.util.ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            PciLink link = new PciLink("0000:0" + i + ":00.0", nodes[i], PciLink.LinkState.UNKNOWN, PciLink.LinkState.UNKNOWN);
            gpus.add(new CudaDevices.Gpu(new GpuProbe.Device(i, "gpu", 1L << 34, 9, 0, link.busId()), Optional.of(link)));
        }
        return new HostTopology(null, NumaFixtures.twoNode(), null, new CudaDevices(!gpus.isEmpty(), "", gpus));
    }

    @Test
    void firstGpuWithAKnownNodeDecides() {
        assertEquals(1, NumaLoad.homeNode(withGpusOn(1)));
        assertEquals(1, NumaLoad.homeNode(withGpusOn(-1, 1))); // firmware silent about the first GPU
    }

    @Test
    void noGpuOrNoKnownNodeMeansNodeZero() {
        assertEquals(0, NumaLoad.homeNode(withGpusOn()));
        assertEquals(0, NumaLoad.homeNode(withGpusOn(-1)));
        assertEquals(0, NumaLoad.homeNode(withGpusOn(7))); // a node this machine does not have
    }
}
