package dev.jmoe.host.topo;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fixture machines under {@code src/test/resources/topo}: copies of the /proc and /sys files a
 * real kernel shows, with values chosen by hand (the tests' expectations are those values).
 * <ul>
 *   <li>{@code two-node}: 2 sockets x 4 cores x 2 threads, AVX-512 and AMX, 2 MiB and 1 GiB pools
 *       with pages on both nodes, numa_balancing=1, two GPUs' PCI directories.</li>
 *   <li>{@code one-node}: 4 cores, AVX2 only, empty pools, numa_balancing=0.</li>
 *   <li>{@code no-numa}: no node directory (a kernel without NUMA), arm64-style cpuinfo without
 *       package ids (sysfs has them), no THP, no hugetlb, no numa_balancing.</li>
 * </ul>
 */
final class TopoFixtures {
    private TopoFixtures() {}

    static Path root(String machine) {
        URL url = TopoFixtures.class.getResource("/topo/" + machine);
        if (url == null) throw new IllegalStateException("no fixture topo/" + machine + " on the test class path");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static SysTree sys(String machine) {
        return new SysTree(root(machine));
    }

    /** The two-node machine with the two fake GPUs, as the CLI would read it (vector size pinned). */
    static HostTopology twoNode() {
        return HostTopology.read(sys("two-node"), () -> Optional.of(FakeGpuProbe.twoGpus()), 512);
    }

    /** Writes {@code text} to the kernel path {@code path} under {@code root}, creating directories. */
    static void write(Path root, String path, String text) throws IOException {
        Path file = root.resolve(path.substring(1));
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
