package dev.jmoe.host.topo;

import java.util.ArrayList;
import java.util.List;

/** The settings of a machine that will cost the engine speed, each as one line that says what to do. */
public final class TopoWarnings {
    private TopoWarnings() {}

    public static List<String> of(HostTopology topo) {
        List<String> warnings = new ArrayList<>();
        if (topo.numa().balancing()) warnings.add(numaBalancing());
        CpuInfo cpu = topo.cpu();
        if (cpu.has(IsaFeature.AVX2) && cpu.vectorBits() < 256) {
            warnings.add("the CPU has AVX2 but the Vector API prefers " + cpu.vectorBits()
                    + "-bit vectors (check -XX:UseAVX and the JVM flags): CPU kernels will run slowly");
        }
        for (CudaDevices.Gpu gpu : topo.cuda().devices()) {
            gpu.link().ifPresent(link -> narrowLink(gpu.device().index(), link, warnings));
        }
        return warnings;
    }

    /** The one wording of the numa_balancing warning, here and in a --numa placement. */
    public static String numaBalancing() {
        return "kernel.numa_balancing is on: the kernel migrates pages behind the engine's NUMA placement"
                + " (turn it off: sysctl -w kernel.numa_balancing=0)";
    }

    /** Speed drops when a GPU idles; lanes do not, so fewer lanes than the device supports is the slot's doing. */
    private static void narrowLink(int index, PciLink link, List<String> warnings) {
        int now = link.current().width();
        int max = link.max().width();
        if (now > 0 && max > 0 && now < max) {
            warnings.add("GPU " + index + " (" + link.busId() + ") runs x" + now + " of its x" + max
                    + " PCIe lanes: the slot or riser limits host-to-GPU copies");
        }
    }
}
