package dev.jmoe.host.numa;

import dev.jmoe.host.TestData;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.mem.LoadOptions;
import dev.jmoe.host.topo.HostTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every --numa mode on this one-node machine, with a real model: the data is intact and its pages sit on node 0. */
class NumaPlacementTest {
    private static final GgufModel MODEL = GgufModel.open(TestData.model("qwen3moe-a-q4_k_m"));

    @ParameterizedTest
    @EnumSource(NumaMode.class)
    void everyPageIsOnNodeZero(NumaMode mode) {
        try (NumaPlacement placement = NumaLoad.load(MODEL, LoadOptions.defaults(), HostTopology.live(), mode, MirrorScope.EXPERTS)) {
            long kvBytes = 3 * 4096 + 100;
            MemorySegment kv = PolicyMemory.allocate(kvBytes, placement.plan().kvCache(), "the test's kv cache");
            PlacementReport report = PlacementReport.of(MODEL, placement, PageLocator.DEFAULT_SAMPLES, kv);
            assertEquals(mode, report.mode(), "the policy calls work here: no fallback to off " + report.warnings());
            assertEquals(1, report.replicas());
            assertEquals(List.of(MemoryClass.EXPERTS, MemoryClass.WEIGHTS, MemoryClass.KV_CACHE, MemoryClass.SCRATCH),
                    report.classes().stream().map(PlacementReport.ClassPlacement::memoryClass).toList());
            for (PlacementReport.ClassPlacement c : report.classes()) {
                assertEquals(0, c.notPresentBytes(), c.memoryClass() + " under " + mode);
                long bytes = switch (c.memoryClass()) {
                    case KV_CACHE -> kvBytes;
                    // The heap's present pages: at least the model's metadata and this test's objects, all on node 0.
                    case SCRATCH -> c.bytesByNode().getOrDefault(0, 0L);
                    default -> MODEL.tensors().stream().filter(t -> MemoryClass.of(t) == c.memoryClass()).mapToLong(GgufTensorInfo::bytes).sum();
                };
                assertTrue(bytes > 0);
                assertEquals(Map.of(0, bytes), c.bytesByNode(), c.memoryClass() + " under " + mode);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = NumaMode.class, names = {"DISTRIBUTE", "ISOLATE", "MIRROR"})
    void placedCopiesHoldTheFileBytes(NumaMode mode) throws IOException {
        try (NumaPlacement placement = NumaLoad.load(MODEL, LoadOptions.defaults(), HostTopology.live(), mode, MirrorScope.ALL);
             FileChannel file = FileChannel.open(MODEL.path())) {
            for (GgufTensorInfo t : MODEL.tensors()) {
                MemorySegment s = placement.segment(t, 0);
                // A copy, not the file mapping: it lives in the regions the plan allocated.
                assertTrue(placement.replicasOf(t) == 1 && s.isReadOnly());
                ByteBuffer expected = ByteBuffer.allocate((int) t.bytes());
                file.read(expected, t.fileOffset());
                assertArrayEquals(expected.array(), s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), t.name());
            }
        }
    }

    @Test
    void mirrorReportAsJsonHasTheIssuesShape() {
        try (NumaPlacement placement = NumaLoad.load(MODEL, LoadOptions.defaults(), HostTopology.live(), NumaMode.MIRROR, MirrorScope.EXPERTS)) {
            var json = PlacementReport.of(MODEL, placement, 16, null).toJson();
            assertEquals("mirror", json.path("numa").asText());
            assertEquals(1, json.path("replicas").asInt());
            assertEquals("experts", json.path("classes").get(0).path("class").asText());
            assertEquals(0, json.path("classes").get(0).path("replica").asInt());
            assertTrue(json.path("classes").get(0).path("bytesByNode").path("0").asLong() > 0);
            assertEquals(List.of("mirror: 1 replica (one NUMA node with CPUs, nothing to mirror), +0 B"), List.of(json.path("notes").get(0).asText()));
        }
    }

    @Test
    void refusedPolicyCallDegradesToOffWithOneWarning() {
        // Node 5 does not exist here: the kernel answers mbind with EINVAL, as a seccomp profile would with EPERM.
        List<GgufTensorInfo> experts = MODEL.tensors().stream().filter(GgufTensorInfo::isExpert).toList();
        RegionPlan impossible = new RegionPlan(MemoryClass.EXPERTS, 0, new MemPolicy.Policy(MemPolicy.Mode.BIND, List.of(5)), experts);
        PlacementPlan plan = new PlacementPlan(NumaMode.ISOLATE, 1, List.of(impossible), new ReplicaMap(Map.of(0, 0)), PlacementPlan.THREAD_POLICY, List.of());
        try (NumaPlacement placement = NumaPlacement.place(MODEL, LoadOptions.defaults(), plan, List.of())) {
            assertEquals(NumaMode.OFF, placement.plan().mode());
            assertEquals(1, placement.warnings().size());
            assertTrue(placement.warnings().getFirst().startsWith("numa isolate: mbind(") && placement.warnings().getFirst()
                    .endsWith("failed: EINVAL (Invalid argument); NUMA placement is off"), placement.warnings().getFirst());
            GgufTensorInfo t = experts.getFirst();
            assertEquals(t.bytes(), placement.segment(t, 0).byteSize()); // still loaded, from the file mapping
        }
    }

    @Test
    void balancingIsWarnedAndAMirrorOntoAbsentNodesFallsBackToOff() {
        // The two-node fixture (numa_balancing on) planned on this one-node machine: binding node 1 fails for real.
        HostTopology twoNodes = new HostTopology(null, NumaFixtures.twoNode(), null,
                new dev.jmoe.host.topo.CudaDevices(false, "none", List.of()));
        try (NumaPlacement placement = NumaLoad.load(MODEL, LoadOptions.defaults(), twoNodes, NumaMode.MIRROR, MirrorScope.EXPERTS)) {
            assertEquals(2, placement.warnings().size(), placement.warnings().toString());
            assertTrue(placement.warnings().get(0).startsWith("kernel.numa_balancing is on"), placement.warnings().get(0));
            assertTrue(placement.warnings().get(1).startsWith("numa mirror: mbind("), placement.warnings().get(1));
            assertEquals(NumaMode.OFF, placement.plan().mode());
            GgufTensorInfo t = MODEL.tensors().getFirst();
            assertEquals(t.bytes(), placement.segment(t, 0).byteSize());
        }
    }
}
