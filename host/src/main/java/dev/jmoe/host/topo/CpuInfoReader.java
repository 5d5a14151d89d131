package dev.jmoe.host.topo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@link CpuInfo} from {@code /proc/cpuinfo}, with the per-CPU sysfs topology files as the
 * fallback for cores and sockets (kernels on some architectures print no {@code physical id}).
 */
public final class CpuInfoReader {
    static final String CPUINFO = "/proc/cpuinfo";

    private final SysTree sys;

    public CpuInfoReader(SysTree sys) {
        this.sys = sys;
    }

    /** The CPU; {@code vectorBits} comes from the running JVM, not from a file. */
    public CpuInfo read(int vectorBits) {
        List<Map<String, String>> processors = processors();
        if (processors.isEmpty()) {
            throw new TopologyFormatException(sys.resolve(CPUINFO), "no 'processor' entries");
        }
        Map<String, String> first = processors.getFirst();
        String model = Optional.ofNullable(first.get("model name"))
                .or(() -> Optional.ofNullable(first.get("Processor")))
                .orElse("unknown");
        String flags = Optional.ofNullable(first.get("flags")).orElse(first.getOrDefault("Features", ""));
        Set<IsaFeature> features = IsaFeature.among(Arrays.asList(flags.strip().split("\\s+")));
        Counts counts = countCoresAndSockets(processors);
        return new CpuInfo(model, processors.size(), counts.cores(), counts.sockets(), features, vectorBits);
    }

    /** The logical CPU numbers cpuinfo lists (the online CPUs). */
    List<Integer> processorIds() {
        List<Integer> ids = new ArrayList<>();
        for (Map<String, String> p : processors()) {
            try {
                ids.add(Integer.parseInt(p.get("processor")));
            } catch (NumberFormatException e) {
                throw new TopologyFormatException(sys.resolve(CPUINFO), "processor '" + p.get("processor") + "' is not a number");
            }
        }
        return ids;
    }

    /** The {@code key : value} blocks of cpuinfo that describe a processor, in file order. */
    private List<Map<String, String>> processors() {
        List<Map<String, String>> blocks = new ArrayList<>();
        Map<String, String> block = new LinkedHashMap<>();
        for (String line : sys.read(CPUINFO).split("\n")) {
            int colon = line.indexOf(':');
            if (line.isBlank()) {
                if (block.containsKey("processor")) blocks.add(block);
                block = new LinkedHashMap<>();
            } else if (colon > 0) {
                block.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        if (block.containsKey("processor")) blocks.add(block);
        return blocks;
    }

    private record Counts(int cores, int sockets) {}

    /** Where one logical CPU sits: its package and its core within that package. */
    private record Ids(String socket, String core) {}

    /**
     * Cores are distinct (socket, core id) pairs: core ids repeat across sockets. Ids come from
     * cpuinfo, else sysfs; where neither says, both counts are {@link CpuInfo#UNKNOWN}.
     */
    private Counts countCoresAndSockets(List<Map<String, String>> processors) {
        Set<Ids> cores = new HashSet<>();
        Set<String> sockets = new HashSet<>();
        for (Map<String, String> p : processors) {
            Optional<Ids> ids = cpuinfoIds(p).or(() -> sysfsIds(p.get("processor")));
            if (ids.isEmpty()) return new Counts(CpuInfo.UNKNOWN, CpuInfo.UNKNOWN);
            cores.add(ids.get());
            sockets.add(ids.get().socket());
        }
        return new Counts(cores.size(), sockets.size());
    }

    private static Optional<Ids> cpuinfoIds(Map<String, String> processor) {
        String socket = processor.get("physical id");
        String core = processor.get("core id");
        return socket == null || core == null ? Optional.empty() : Optional.of(new Ids(socket, core));
    }

    private Optional<Ids> sysfsIds(String processor) {
        String dir = "/sys/devices/system/cpu/cpu" + processor.strip() + "/topology/";
        Optional<String> socket = sys.readIfPresent(dir + "physical_package_id").map(String::strip);
        Optional<String> core = sys.readIfPresent(dir + "core_id").map(String::strip);
        if (socket.isEmpty() || core.isEmpty()) return Optional.empty();
        return Optional.of(new Ids(socket.get(), core.get()));
    }
}
