package dev.jmoe.host.numa;

import dev.jmoe.host.topo.NumaTopology;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which worker runs on which node and reads which replica, on the two- and four-node fixtures (hand-worked). */
class WorkerLayoutTest {
    private static final long MIB = 1L << 20;

    private static WorkerLayout layout(NumaTopology topo, int startNode, NumaMode mode, int threads) {
        PlacementPlan plan = new PlacementPlanner(topo, startNode, 0).plan(mode, MirrorScope.EXPERTS, NumaFixtures.model(MIB));
        return WorkerLayout.of(plan, topo, threads);
    }

    private static List<Integer> nodes(WorkerLayout l) {
        return IntStream.range(0, l.workers()).map(l::nodeOf).boxed().toList();
    }

    private static List<Integer> replicas(WorkerLayout l) {
        return IntStream.range(0, l.workers()).map(l::replicaOf).boxed().toList();
    }

    @Test
    void mirrorOnTwoNodesSendsEachWorkerToItsNodesReplica() {
        WorkerLayout l = layout(NumaFixtures.twoNode(), 0, NumaMode.MIRROR, 4);
        assertTrue(l.pinned());
        assertEquals(List.of(0, 1, 0, 1), nodes(l));
        assertEquals(List.of(0, 1, 0, 1), replicas(l));
        assertEquals("numa mirror: 2 workers on node 0 read replica 0, 2 on node 1 read replica 1", l.describe());
    }

    @Test
    void unevenThreadCountGivesTheFirstNodesOneWorkerMore() {
        WorkerLayout l = layout(NumaFixtures.twoNode(), 0, NumaMode.DISTRIBUTE, 5);
        assertEquals(List.of(0, 1, 0, 1, 0), nodes(l));
        assertEquals(List.of(0, 0, 0, 0, 0), replicas(l)); // distribute has one (interleaved) copy
        assertEquals("numa distribute: 3 workers on node 0, 2 on node 1", l.describe());

        WorkerLayout m = layout(NumaFixtures.twoNode(), 0, NumaMode.MIRROR, 3);
        assertEquals(List.of(0, 1, 0), replicas(m));
        assertEquals("numa mirror: 2 workers on node 0 read replica 0, 1 on node 1 reads replica 1", m.describe());
    }

    @Test
    void fourNodesShareSixWorkersAndTheMemoryOnlyNodeGetsNone() {
        WorkerLayout l = layout(NumaFixtures.fourNodesAndCxl(64), 0, NumaMode.MIRROR, 6);
        assertEquals(List.of(0, 1, 2, 3, 0, 1), nodes(l));
        assertEquals(List.of(0, 1, 2, 3, 0, 1), replicas(l));
        assertEquals("numa mirror: 2 workers on node 0 read replica 0, 2 on node 1 read replica 1, "
                + "1 on node 2 reads replica 2, 1 on node 3 reads replica 3", l.describe());
    }

    @Test
    void fewerWorkersThanNodesLeaveTheLastNodesReplicasUnread() {
        WorkerLayout l = layout(NumaFixtures.fourNodesAndCxl(64), 0, NumaMode.MIRROR, 2);
        assertEquals(List.of(0, 1), nodes(l));
        assertEquals("numa mirror: 1 worker on node 0 reads replica 0, 1 on node 1 reads replica 1; "
                + "nodes [2, 3] get no workers (-t 2)", l.describe());
    }

    @Test
    void isolateKeepsEveryWorkerOnTheStartNode() {
        WorkerLayout l = layout(NumaFixtures.fourNodesAndCxl(64), 2, NumaMode.ISOLATE, 3);
        assertEquals(List.of(2, 2, 2), nodes(l));
        assertEquals(List.of(0, 0, 0), replicas(l));
        assertEquals("numa isolate: 3 workers on node 2", l.describe());
    }

    @Test
    void offAndNumactlPinNothing() {
        for (NumaMode mode : List.of(NumaMode.OFF, NumaMode.NUMACTL)) {
            WorkerLayout l = layout(NumaFixtures.fourNodesAndCxl(64), 1, mode, 3);
            assertFalse(l.pinned(), mode.flag());
            assertEquals(List.of(-1, -1, -1), nodes(l));
            assertEquals(List.of(0, 0, 0), replicas(l));
        }
        assertEquals("numa numactl: 3 workers, not pinned (the inherited CPU set and memory policy apply)",
                layout(NumaFixtures.twoNode(), 0, NumaMode.NUMACTL, 3).describe());
    }

    @Test
    void aRefusedPlacementMeansOffAndUnpinnedWorkers() {
        // NumaPlacement's fallback when a policy call fails: the plan becomes off.
        PlacementPlan off = new PlacementPlan(NumaMode.OFF, 1, List.of(), ReplicaMap.single(List.of(0, 1)), PlacementPlan.THREAD_POLICY, List.of("refused"));
        WorkerLayout l = WorkerLayout.of(off, NumaFixtures.twoNode(), 2);
        assertFalse(l.pinned());
        assertEquals("numa off: 2 workers, not pinned", l.describe());
    }
}
