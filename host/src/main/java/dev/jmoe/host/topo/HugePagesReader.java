package dev.jmoe.host.topo;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@link HugePages} from {@code /sys/kernel/mm} and the per-node hugepages directories. */
public final class HugePagesReader {
    static final String THP = "/sys/kernel/mm/transparent_hugepage/enabled";
    static final String POOLS = "/sys/kernel/mm/hugepages";
    static final Pattern POOL_DIR = Pattern.compile("hugepages-(\\d+)kB");
    private static final Pattern BRACKETED = Pattern.compile("\\[(\\w+)]");

    private final SysTree sys;

    public HugePagesReader(SysTree sys) {
        this.sys = sys;
    }

    public HugePages read() {
        Optional<String> thp = sys.readIfPresent(THP).map(this::selectedMode);
        List<HugePagePool> pools = sys.list(POOLS, POOL_DIR).stream()
                .map(m -> pool(m.group(), Long.parseLong(m.group(1)) * 1024))
                .sorted(Comparator.comparingLong(HugePagePool::pageBytes))
                .toList();
        return new HugePages(thp, pools);
    }

    /** The kernel marks the active mode in brackets: {@code always [madvise] never}. */
    private String selectedMode(String line) {
        Matcher m = BRACKETED.matcher(line);
        if (!m.find()) throw new TopologyFormatException(sys.resolve(THP), "no [selected] mode in '" + line.strip() + "'");
        return m.group(1);
    }

    private HugePagePool pool(String dirName, long pageBytes) {
        String dir = POOLS + "/" + dirName;
        List<HugePagePool.NodePages> perNode = sys.list(NumaTopologyReader.NODES, NumaTopologyReader.NODE_DIR).stream()
                .map(m -> nodePages(Integer.parseInt(m.group(1)), dirName))
                .flatMap(Optional::stream)
                .sorted(Comparator.comparingInt(HugePagePool.NodePages::node))
                .toList();
        return new HugePagePool(pageBytes, sys.readLong(dir + "/nr_hugepages"), sys.readLong(dir + "/free_hugepages"),
                sys.readLongIfPresent(dir + "/resv_hugepages").orElse(0L), perNode);
    }

    private Optional<HugePagePool.NodePages> nodePages(int node, String dirName) {
        String dir = NumaTopologyReader.NODES + "/node" + node + "/hugepages/" + dirName;
        if (!sys.exists(dir)) return Optional.empty();
        return Optional.of(new HugePagePool.NodePages(node, sys.readLong(dir + "/nr_hugepages"), sys.readLong(dir + "/free_hugepages")));
    }
}
