package dev.jmoe.host.topo;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** {@code jmoe topo}: the topology as a report to read or paste, sections of aligned columns, then warnings. */
public final class TopoText {
    private TopoText() {}

    public static String of(HostTopology topo) {
        StringBuilder out = new StringBuilder();
        cpu(topo.cpu(), out);
        out.append('\n');
        numa(topo.numa(), out);
        out.append('\n');
        hugePages(topo.hugePages(), out);
        out.append('\n');
        cuda(topo.cuda(), out);
        List<String> warnings = TopoWarnings.of(topo);
        if (!warnings.isEmpty()) out.append('\n');
        warnings.forEach(w -> out.append("warning: ").append(w).append('\n'));
        return out.toString();
    }

    private static void cpu(CpuInfo cpu, StringBuilder out) {
        out.append("CPU\n");
        String cores = cpu.physicalCores() == CpuInfo.UNKNOWN ? "cores unknown"
                : cpu.physicalCores() + " cores, " + cpu.sockets() + (cpu.sockets() == 1 ? " socket" : " sockets")
                  + (cpu.smt() ? " (SMT on)" : "");
        new TextTable()
                .row("model", cpu.model())
                .row("cpus", cpu.logicalCpus() + " logical, " + cores)
                .row("isa", features(cpu, true))
                .row("isa missing", features(cpu, false))
                .row("vector API", cpu.vectorBits() + "-bit vectors (" + cpu.vectorBits() / Float.SIZE + " floats)")
                .appendTo(out);
    }

    private static String features(CpuInfo cpu, boolean present) {
        String list = Arrays.stream(IsaFeature.values())
                .filter(f -> cpu.has(f) == present)
                .map(IsaFeature::flag)
                .collect(Collectors.joining(" "));
        return list.isEmpty() ? "-" : list;
    }

    private static void numa(NumaTopology numa, StringBuilder out) {
        out.append("NUMA: ").append(numa.nodes().size()).append(numa.isNuma() ? " nodes" : " node")
                .append(", balancing ").append(numa.balancing() ? "on" : "off").append('\n');
        TextTable table = new TextTable("node", "cpus", "memory", "free", "distances");
        for (NumaNode n : numa.nodes()) {
            table.row(n.id(), n.cpus().isEmpty() ? "-" : CpuList.format(n.cpus()),
                    ByteSize.format(n.memTotalBytes()), ByteSize.format(n.memFreeBytes()),
                    n.distances().isEmpty() ? "-" : n.distances().stream().map(String::valueOf).collect(Collectors.joining(" ")));
        }
        table.appendTo(out);
    }

    private static void hugePages(HugePages hp, StringBuilder out) {
        out.append("Huge pages: transparent ").append(hp.thp().orElse("not available")).append('\n');
        if (hp.pools().isEmpty()) {
            out.append("  no hugetlb pools\n");
            return;
        }
        TextTable table = new TextTable("page size", "total", "free", "per node (total/free)");
        for (HugePagePool p : hp.pools()) {
            String perNode = p.perNode().stream()
                    .map(n -> n.node() + ": " + n.total() + "/" + n.free())
                    .collect(Collectors.joining(", "));
            table.row(ByteSize.format(p.pageBytes()), p.total(), p.free(), perNode.isEmpty() ? "-" : perNode);
        }
        table.appendTo(out);
    }

    private static void cuda(CudaDevices cuda, StringBuilder out) {
        if (!cuda.available()) {
            out.append("CUDA: not available (").append(cuda.reason()).append(")\n");
            return;
        }
        out.append("CUDA: ").append(cuda.devices().size()).append(cuda.devices().size() == 1 ? " device" : " devices").append('\n');
        TextTable table = new TextTable("#", "name", "memory", "cc", "pci bus", "node", "link now", "link max", "max copy rate");
        for (CudaDevices.Gpu gpu : cuda.devices()) {
            GpuProbe.Device d = gpu.device();
            PciLink link = gpu.link().orElse(null);
            table.row(d.index(), d.name(), ByteSize.format(d.memoryBytes()), d.ccMajor() + "." + d.ccMinor(),
                    link == null ? d.pciBusId() : link.busId(),
                    link == null || link.node().isEmpty() ? "?" : link.numaNode(),
                    link == null ? "?" : linkState(link.current()),
                    link == null ? "?" : linkState(link.max()),
                    link == null ? "?" : link.max().bytesPerSecond()
                            .map(b -> String.format(Locale.ROOT, "%.1f GB/s", b / 1e9)).orElse("?"));
        }
        table.appendTo(out);
    }

    private static String linkState(PciLink.LinkState s) {
        String gen = s.generation().map(g -> "gen" + g.number())
                .orElse(s.rate() > 0 ? s.rate() + " GT/s" : "?");
        return gen + " x" + (s.width() > 0 ? s.width() : "?");
    }
}
