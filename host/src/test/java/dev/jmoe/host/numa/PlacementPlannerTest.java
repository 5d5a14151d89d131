package dev.jmoe.host.numa;

import dev.jmoe.host.topo.NumaTopology;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.jmoe.host.numa.NumaFixtures.GIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlacementPlannerTest {
    private static final long MIB = 1L << 20;

    private static MemPolicy.Policy policy(MemPolicy.Mode mode, Integer... nodes) {
        return new MemPolicy.Policy(mode, List.of(nodes));
    }

    @Test
    void mirrorOnTwoNodesGivesEachNodeItsOwnBoundReplica() {
        PlacementPlan plan = new PlacementPlanner(NumaFixtures.twoNode(), 0, 0)
                .plan(NumaMode.MIRROR, MirrorScope.EXPERTS, NumaFixtures.model(MIB));
        assertEquals(2, plan.replicas());
        assertEquals(Map.of(0, 0, 1, 1), plan.replicaMap().replicaByNode());
        // Experts: one region per replica, bound to its node; the rest once, preferred on the home node.
        assertEquals(3, plan.regions().size());
        for (RegionPlan r : plan.regions()) {
            if (r.memoryClass() == MemoryClass.EXPERTS) {
                assertEquals(policy(MemPolicy.Mode.BIND, r.replica()), r.policy());
                assertEquals(6 * MIB, r.bytes()); // 6 expert tensors of 1 MiB
            } else {
                assertEquals(policy(MemPolicy.Mode.PREFERRED, 0), r.policy());
                assertEquals(0, r.replica());
                assertEquals(12_288 + 2 * 8_192, r.bytes()); // 10,000 and 2 x 5,000 bytes in whole pages
            }
        }
        assertEquals("mirror: 2 replicas of experts, +6.0 MiB (6291456 bytes)", plan.notes().getFirst());
    }

    @Test
    void mirrorAllReplicatesTheOtherWeightsToo() {
        PlacementPlan plan = new PlacementPlanner(NumaFixtures.twoNode(), 0, 0)
                .plan(NumaMode.MIRROR, MirrorScope.ALL, NumaFixtures.model(MIB));
        assertEquals(4, plan.regions().size());
        assertTrue(plan.regions().stream().allMatch(r -> r.policy().equals(policy(MemPolicy.Mode.BIND, r.replica()))));
    }

    @Test
    void mirrorOnFourNodesSkipsTheMemoryOnlyNode() {
        PlacementPlan plan = new PlacementPlanner(NumaFixtures.fourNodesAndCxl(64), 2, 1)
                .plan(NumaMode.MIRROR, MirrorScope.EXPERTS, NumaFixtures.model(MIB));
        assertEquals(4, plan.replicas());
        assertEquals(Map.of(0, 0, 1, 1, 2, 2, 3, 3), plan.replicaMap().replicaByNode());
        assertEquals(3, plan.replicaMap().replicaFor(3));
        assertThrows(IllegalArgumentException.class, () -> plan.replicaMap().replicaFor(4));
        RegionPlan weights = plan.regions().stream().filter(r -> r.memoryClass() == MemoryClass.WEIGHTS).findFirst().orElseThrow();
        assertEquals(policy(MemPolicy.Mode.PREFERRED, 1), weights.policy()); // the home (GPU) node
    }

    @Test
    void mirrorThatDoesNotFitIsRefusedWithTheNumbers() {
        NumaTopology small = NumaFixtures.fourNodesAndCxl(1); // 1 GiB free per node
        var e = assertThrows(NumaPlacementException.class, () -> new PlacementPlanner(small, 0, 0)
                .plan(NumaMode.MIRROR, MirrorScope.EXPERTS, NumaFixtures.model(GIB / 4))); // 1.5 GiB of experts
        assertTrue(e.getMessage().startsWith("mirror: 4 replica(s) do not fit: node 0 needs 1.5 GiB (1610612736 bytes)"
                + " and has 1.0 GiB (1073741824 bytes) free"), e.getMessage());
        assertTrue(e.getMessage().contains("node 3 needs"), e.getMessage());
    }

    @Test
    void mirrorOnOneNodeIsOneReplicaAndSaysSo() {
        NumaTopology one = new NumaTopology(List.of(NumaFixtures.fourNodesAndCxl(64).nodes().getFirst()), false);
        PlacementPlan plan = new PlacementPlanner(one, 0, 0).plan(NumaMode.MIRROR, MirrorScope.EXPERTS, NumaFixtures.model(MIB));
        assertEquals(1, plan.replicas());
        assertEquals("mirror: 1 replica (one NUMA node with CPUs, nothing to mirror), +0 B", plan.notes().getFirst());
    }

    @Test
    void distributeInterleavesExpertsOverEveryNodeAndPutsTheRestOnTheHomeNode() {
        PlacementPlan plan = new PlacementPlanner(NumaFixtures.fourNodesAndCxl(64), 0, 3)
                .plan(NumaMode.DISTRIBUTE, MirrorScope.EXPERTS, NumaFixtures.model(MIB));
        assertEquals(1, plan.replicas());
        assertEquals(List.of(policy(MemPolicy.Mode.INTERLEAVE, 0, 1, 2, 3, 4), policy(MemPolicy.Mode.PREFERRED, 3)),
                plan.regions().stream().map(RegionPlan::policy).toList());
        assertEquals(0, plan.replicaMap().replicaFor(2));
    }

    @Test
    void isolateBindsEverythingToTheStartNodeAndChecksItFits() {
        PlacementPlan plan = new PlacementPlanner(NumaFixtures.twoNode(), 1, 0)
                .plan(NumaMode.ISOLATE, MirrorScope.EXPERTS, NumaFixtures.model(MIB));
        assertTrue(plan.regions().stream().allMatch(r -> r.policy().equals(policy(MemPolicy.Mode.BIND, 1))));
        assertEquals(Map.of(1, plan.bytes()), MemoryCheck.boundBytesByNode(plan.regions()));
        assertThrows(NumaPlacementException.class, () -> new PlacementPlanner(NumaFixtures.fourNodesAndCxl(1), 0, 0)
                .plan(NumaMode.ISOLATE, MirrorScope.EXPERTS, NumaFixtures.model(GIB / 4)));
    }

    @Test
    void offAndNumactlPlaceNothing() {
        for (NumaMode mode : List.of(NumaMode.OFF, NumaMode.NUMACTL)) {
            PlacementPlan plan = new PlacementPlanner(NumaFixtures.twoNode(), 0, 0).plan(mode, MirrorScope.EXPERTS, NumaFixtures.model(MIB));
            assertEquals(List.of(), plan.regions());
            assertEquals(1, plan.replicas());
        }
    }

    @Test
    void regionsLayTensorsOutOnPageBoundaries() {
        RegionPlan r = new RegionPlan(MemoryClass.WEIGHTS, 0, policy(MemPolicy.Mode.BIND, 0),
                List.of(NumaFixtures.tensor("a", 10_000), NumaFixtures.tensor("b", 4096), NumaFixtures.tensor("c", 1)));
        assertEquals(List.of(0L, 12_288L, 16_384L), List.copyOf(r.offsets().values()));
        assertEquals(20_480, r.bytes());
    }

    @Test
    void unknownStartNodeIsRefused() {
        var e = assertThrows(NumaPlacementException.class, () -> new PlacementPlanner(NumaFixtures.twoNode(), 5, 0));
        assertEquals("start node 5 is not one of this machine's NUMA nodes [0, 1]", e.getMessage());
    }

    @Test
    void kvCacheIsInterleavedOverTheWorkerNodesBoundUnderIsolateAndLeftAloneOtherwise() {
        PlacementPlanner planner = new PlacementPlanner(NumaFixtures.fourNodesAndCxl(64), 2, 1);
        List<dev.jmoe.host.gguf.GgufTensorInfo> model = NumaFixtures.model(MIB);
        // The CXL node has no CPUs, so no attention worker reads from it: the cache skips it.
        assertEquals(policy(MemPolicy.Mode.INTERLEAVE, 0, 1, 2, 3), planner.plan(NumaMode.DISTRIBUTE, MirrorScope.EXPERTS, model).kvCache());
        assertEquals(policy(MemPolicy.Mode.INTERLEAVE, 0, 1, 2, 3), planner.plan(NumaMode.MIRROR, MirrorScope.EXPERTS, model).kvCache());
        assertEquals(policy(MemPolicy.Mode.BIND, 2), planner.plan(NumaMode.ISOLATE, MirrorScope.EXPERTS, model).kvCache());
        for (NumaMode mode : List.of(NumaMode.OFF, NumaMode.NUMACTL)) {
            assertEquals(policy(MemPolicy.Mode.DEFAULT), planner.plan(mode, MirrorScope.EXPERTS, model).kvCache(), mode.flag());
        }
    }
}
