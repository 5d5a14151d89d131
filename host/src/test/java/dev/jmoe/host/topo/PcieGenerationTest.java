package dev.jmoe.host.topo;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PcieGenerationTest {

    @Test
    void ratesMapToGenerations() {
        assertEquals(1, PcieGeneration.ofRate(2.5).orElseThrow().number());
        assertEquals(2, PcieGeneration.ofRate(5).orElseThrow().number());
        assertEquals(3, PcieGeneration.ofRate(8).orElseThrow().number());
        assertEquals(4, PcieGeneration.ofRate(16).orElseThrow().number());
        assertEquals(5, PcieGeneration.ofRate(32).orElseThrow().number());
        assertEquals(6, PcieGeneration.ofRate(64).orElseThrow().number());
        assertEquals(Optional.empty(), PcieGeneration.ofRate(20));
    }

    @Test
    void laneThroughputAfterEncoding() {
        // 2.5 GT/s with 8b/10b: 2 Gbit/s = 250 MB/s
        assertEquals(250e6, PcieGeneration.GEN1.laneBytesPerSecond(), 1);
        // 8 GT/s with 128b/130b: 8e9 * 128 / 130 / 8 = 984,615,384 B/s
        assertEquals(984_615_384, PcieGeneration.GEN3.laneBytesPerSecond(), 1);
        // gen 4 x16, the usual GPU slot: 31.5 GB/s each way
        assertEquals(31_507_692_307L, PcieGeneration.GEN4.laneBytesPerSecond() * 16, 16);
        // 64 GT/s FLIT mode, 242 of 256 bytes payload: 7.5625 GB/s
        assertEquals(7_562_500_000L, PcieGeneration.GEN6.laneBytesPerSecond(), 1);
    }
}
