package dev.jmoe.host.topo;

import jdk.incubator.vector.VectorShape;

import java.util.Optional;
import java.util.function.Supplier;

/** What this machine offers the engine: CPU, NUMA nodes, huge pages and CUDA devices. */
public record HostTopology(CpuInfo cpu, NumaTopology numa, HugePages hugePages, CudaDevices cuda) {

    /** The live machine, with the CUDA probe on the class path if there is one. */
    public static HostTopology live() {
        return read(SysTree.live(), GpuProbe::installed);
    }

    /**
     * The machine whose {@code /proc} and {@code /sys} lie under {@code sys}, with the GPU probe
     * {@code probe} finds (found lazily so a broken one is reported, not thrown); vector size is this JVM's.
     */
    public static HostTopology read(SysTree sys, Supplier<Optional<GpuProbe>> probe) {
        return read(sys, probe, VectorShape.preferredShape().vectorBitSize());
    }

    /** As {@link #read(SysTree, Supplier)} with the Vector API's preferred size given (tests pin it). */
    public static HostTopology read(SysTree sys, Supplier<Optional<GpuProbe>> probe, int vectorBits) {
        return new HostTopology(
                new CpuInfoReader(sys).read(vectorBits),
                new NumaTopologyReader(sys).read(),
                new HugePagesReader(sys).read(),
                CudaDevices.probe(probe, new PciLinkReader(sys)));
    }
}
