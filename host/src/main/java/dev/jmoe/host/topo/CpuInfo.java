package dev.jmoe.host.topo;

import java.util.Set;

/**
 * The CPU as the engine sees it.
 *
 * @param model          the model name ({@code unknown} where the kernel does not say)
 * @param logicalCpus    online logical CPUs (hardware threads)
 * @param physicalCores  distinct (socket, core) pairs; {@value #UNKNOWN} where the kernel does not say
 * @param sockets        distinct physical packages; {@value #UNKNOWN} where the kernel does not say
 * @param features       the ISA extensions the kernels care about that this CPU has (render in
 *                       {@link IsaFeature} order: the set's own order is unspecified)
 * @param vectorBits     the Vector API's preferred vector size on this JVM and CPU
 */
public record CpuInfo(String model, int logicalCpus, int physicalCores, int sockets,
                      Set<IsaFeature> features, int vectorBits) {
    public static final int UNKNOWN = -1;

    public CpuInfo {
        features = Set.copyOf(features);
    }

    public boolean has(IsaFeature feature) {
        return features.contains(feature);
    }

    /** Whether hyperthreading (SMT) is on: more logical CPUs than cores. */
    public boolean smt() {
        return physicalCores != UNKNOWN && logicalCpus > physicalCores;
    }
}
