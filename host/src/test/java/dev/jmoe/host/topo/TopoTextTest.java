package dev.jmoe.host.topo;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopoTextTest {

    /** Expected report written out by hand from the fixture files (memory: kB / 1024^2, one decimal). */
    @Test
    void twoNodeReport() {
        String expected = """
                CPU
                  model        Intel(R) Xeon(R) Gold 6434
                  cpus         16 logical, 8 cores, 2 sockets (SMT on)
                  isa          avx2 fma f16c avx512f avx512bw avx512_vnni avx512_bf16 amx_tile amx_bf16 amx_int8
                  isa missing  -
                  vector API   512-bit vectors (16 floats)

                NUMA: 2 nodes, balancing on
                  node  cpus       memory    free      distances
                  0     0-3,8-11   62.5 GiB  57.2 GiB  10 21
                  1     4-7,12-15  62.5 GiB  58.2 GiB  21 10

                Huge pages: transparent always
                  page size  total  free  per node (total/free)
                  2 MiB      1024   1012  0: 512/500, 1: 512/512
                  1 GiB      8      6     0: 4/4, 1: 4/2

                CUDA: 2 devices
                  #  name              memory    cc   pci bus       node  link now  link max  max copy rate
                  0  NVIDIA H100 PCIe  79.2 GiB  9.0  0000:17:00.0  1     gen4 x16  gen4 x16  31.5 GB/s
                  1  NVIDIA L40S       45.0 GiB  8.9  0000:ca:00.0  ?     gen1 x8   gen5 x16  63.0 GB/s

                warning: kernel.numa_balancing is on: the kernel migrates pages behind the engine's NUMA placement (turn it off: sysctl -w kernel.numa_balancing=0)
                warning: GPU 1 (0000:ca:00.0) runs x8 of its x16 PCIe lanes: the slot or riser limits host-to-GPU copies
                """;
        assertEquals(expected, TopoText.of(TopoFixtures.twoNode()));
    }

    @Test
    void machineWithoutNumaThpHugetlbOrCuda() {
        String text = TopoText.of(HostTopology.read(TopoFixtures.sys("no-numa"), Optional::empty, 128));
        assertTrue(text.contains("  cpus         4 logical, 4 cores, 1 socket\n"), text);
        assertTrue(text.contains("  isa          -\n"), text);
        assertTrue(text.contains("NUMA: 1 node, balancing off\n  node  cpus  memory   free     distances\n  0     0-3   7.7 GiB  6.0 GiB  -\n"), text);
        assertTrue(text.contains("Huge pages: transparent not available\n  no hugetlb pools\n"), text);
        assertTrue(text.endsWith("CUDA: not available (CUDA backend not on the class path)\n"), text);
        assertFalse(text.contains("warning:"), text);
    }
}
