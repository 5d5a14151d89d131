package dev.jmoe.host.numa;

import dev.jmoe.host.TestData;
import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.EngineOptions;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.mem.LoadOptions;
import dev.jmoe.host.topo.NumaNode;
import dev.jmoe.host.topo.NumaTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The engine's workers on this one-node machine, seen from the kernel: under the modes that place memory
 * the worker threads' {@code Cpus_allowed_list} (/proc/self/task/TID/status) is node 0's cpulist from sysfs,
 * even when the loading thread was narrowed to one CPU; under off and numactl they inherit that one CPU.
 */
class EngineWorkersTest {
    private static final String MODEL = "qwen3moe-a-q4_k_m";
    private static final Path NODE0 = Path.of("/sys/devices/system/node/node0/cpulist");
    private static final int THREADS = 2;

    private static EngineOptions options(NumaMode mode) {
        return EngineOptions.defaults(THREADS).withContext(32).withLoad(LoadOptions.defaults().withNuma(NumaOptions.of(mode)));
    }

    @ParameterizedTest
    @EnumSource(NumaMode.class)
    void placingModesPinEveryWorkerToItsNodeTheOthersInheritTheCpuSet(NumaMode mode) throws Exception {
        assumeFalse(Files.exists(Path.of("/sys/devices/system/node/node1")), "a one-node machine");
        String node0 = Files.readString(NODE0).strip();
        List<Integer> node0Cpus = dev.jmoe.host.topo.CpuList.parse(node0);
        assumeTrue(node0Cpus.size() >= 2, "node 0 has two CPUs, so pinning to it differs from pinning to one");
        int narrowed = node0Cpus.getFirst();

        Map<String, String> workers = OwnThread.call(() -> {
            CpuAffinity.pinCurrentThread(List.of(narrowed));   // what the workers inherit unless pinned
            Map<Integer, String> before = workerThreads();
            try (Engine engine = Engine.load(TestData.model(MODEL), options(mode))) {
                engine.newSession().evaluate(new int[] {1, 2, 3});
                Map<Integer, String> after = workerThreads();
                after.keySet().removeAll(before.keySet());
                Map<String, String> allowed = new TreeMap<>();
                after.forEach((tid, name) -> allowed.put(name, cpusAllowed(tid)));
                // the thread that ran the forward pass is the pool's last worker
                allowed.put("caller", dev.jmoe.host.topo.CpuList.format(CpuAffinity.currentThreadCpus()));
                return allowed;
            }
        });
        boolean pinned = mode == NumaMode.DISTRIBUTE || mode == NumaMode.ISOLATE || mode == NumaMode.MIRROR;
        String expected = pinned ? node0 : Integer.toString(narrowed);
        Map<String, String> want = new TreeMap<>();
        for (int w = 0; w < THREADS - 1; w++) want.put(Engine.WORKER_NAME + "-" + w, expected);
        want.put("caller", expected);
        assertEquals(want, workers, mode.flag());
    }

    @Test
    void mirrorOnOneNodeReadsReplicaZero() {
        assumeFalse(Files.exists(Path.of("/sys/devices/system/node/node1")), "a one-node machine");
        GgufModel model = GgufModel.open(TestData.model(MODEL));
        GgufTensorInfo expert = model.tensors().stream().filter(GgufTensorInfo::isExpert).findFirst().orElseThrow();
        NumaTensorData numa = NumaTensorData.load(model, LoadOptions.defaults().withNuma(NumaOptions.of(NumaMode.MIRROR)));
        try (var data = numa.data()) {
            assertEquals(1, data.replicas(expert).size());
            WorkerLayout layout = numa.workers(3);
            for (int w = 0; w < 3; w++) {
                assertEquals(0, layout.nodeOf(w));
                assertEquals(0, layout.replicaOf(w));
            }
            assertEquals("numa mirror: 3 workers on node 0 read replica 0", layout.describe());
        }
    }

    @Test
    void aRefusedPinLeavesTheWorkerOnItsCpuSetInsteadOfFailing() throws Exception {
        // A node whose only CPU this machine lacks: sched_setaffinity refuses the mask (EINVAL).
        NumaNode absent = new NumaNode(0, List.of(1000), 1L << 30, 1L << 30, List.of());
        NumaTopology topo = new NumaTopology(List.of(absent), false);
        PlacementPlan plan = new PlacementPlanner(topo, 0, 0).plan(NumaMode.DISTRIBUTE, MirrorScope.EXPERTS, List.of());
        WorkerLayout layout = WorkerLayout.of(plan, topo, 1);
        List<Integer> inherited = CpuAffinity.currentThreadCpus();
        List<Integer> after = OwnThread.call(() -> {
            layout.pin(0);
            return CpuAffinity.currentThreadCpus();
        });
        assertEquals(inherited, after);
    }

    /** The threads of this process named like the engine's workers: kernel thread id → name. */
    private static Map<Integer, String> workerThreads() {
        Map<Integer, String> threads = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String name;
                try {
                    name = Files.readString(task.resolve("comm")).strip();
                } catch (IOException gone) {
                    continue;   // the thread ended meanwhile
                }
                if (name.startsWith(Engine.WORKER_NAME + "-")) threads.put(Integer.parseInt(task.getFileName().toString()), name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return threads;
    }

    private static String cpusAllowed(int tid) {
        try {
            return Files.readAllLines(Path.of("/proc/self/task/" + tid + "/status")).stream()
                    .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow()
                    .substring("Cpus_allowed_list:".length()).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
