package dev.jmoe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jmoe.cuda.JCudaDeviceCopies;
import dev.jmoe.cuda.staging.BandwidthTest;
import dev.jmoe.cuda.staging.PinRefusedException;
import dev.jmoe.cuda.staging.StagingBandwidth;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.mem.ByteSize;
import dev.jmoe.host.mem.MemInfo;
import dev.jmoe.host.topo.PciLinkReader;
import dev.jmoe.host.topo.SysTree;
import dev.jmoe.host.topo.GpuProbe;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code jmoe pcie}: host↔device bandwidth per kind of host memory, like NVIDIA's bandwidthTest, and with
 * {@code -m} the staging path on a model's experts. The yardstick for staged uploads. Exit 3 without a GPU.
 */
@Command(name = "pcie", mixinStandardHelpOptions = true,
        description = {"Measures host<->device copy bandwidth for pageable, pinned (cuMemHostAlloc), registered anonymous "
                + "and registered mmap'd file memory; with -m also the expert staging path (off, register, copy) on the "
                + "model's experts. Exits 3 when there is no GPU."})
public final class PcieCommand implements Callable<Integer> {
    static final int NO_GPU = 3;

    @Option(names = "--sizes", split = ",", paramLabel = "SIZE", defaultValue = "1MiB,16MiB,256MiB,1GiB",
            converter = ByteCountConverter.class, description = "Copy sizes (default: ${DEFAULT-VALUE}).")
    List<Long> sizes;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "Also measure the staging path on this GGUF model's experts.")
    Path model;

    @Option(names = {"-r", "--repetitions"}, paramLabel = "N", defaultValue = "10",
            description = "Timed copies per measurement, after one warm-up (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--device", paramLabel = "N", defaultValue = "0", description = "CUDA device ordinal (default: ${DEFAULT-VALUE}).")
    int device;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, PinRefusedException {
        if (reps < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--repetitions must be at least 1");
        if (model != null && !Files.isRegularFile(model)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-m " + model + ": no such file");
        }
        GpuProbe.Report gpu = GpuProbe.installed().map(GpuProbe::probe)
                .orElse(GpuProbe.Report.unavailable("the cuda module is not on the class path"));
        if (!gpu.available() || gpu.devices().size() <= device) {
            String why = gpu.available() ? "no CUDA device " + device : gpu.reason();
            spec.commandLine().getErr().println("jmoe pcie: no GPU to measure (" + why + ")");
            return NO_GPU;
        }
        GpuProbe.Device d = gpu.devices().get(device);
        List<String> warnings = new ArrayList<>();
        List<BandwidthTest.Row> rows = new ArrayList<>();
        try (JCudaDeviceCopies copies = JCudaDeviceCopies.open(device)) {
            rows.addAll(new BandwidthTest(copies, reps, Path.of(System.getProperty("java.io.tmpdir"))).run(sizes));
            if (model != null) {
                rows.addAll(StagingBandwidth.run(GgufModel.open(model), copies, MemInfo.availableBytes(),
                        new PciLinkReader(SysTree.live()).numaNode(d.pciBusId()), warnings::add));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        warnings.forEach(spec.commandLine().getErr()::println);
        out.print(json ? json(d, rows) : table(d, rows));
        out.flush();
        return 0;
    }

    static String table(GpuProbe.Device d, List<BandwidthTest.Row> rows) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "pcie: %s (device %d, %s), GB/s = 10^9 bytes/s%n", d.name(), d.index(), d.pciBusId()));
        s.append(String.format(Locale.ROOT, "%-34s %10s %10s %10s %10s%n", "memory", "size", "H2D GB/s", "D2H GB/s", "pin ms"));
        for (BandwidthTest.Row r : rows) {
            s.append(String.format(Locale.ROOT, "%-34s %10s %10s %10s %10s%n", r.memory(), ByteSize.format(r.bytes()),
                    number(r.hostToDeviceGbps(), "%.2f"), number(r.deviceToHostGbps(), "%.2f"), number(r.allocMs(), "%.1f")));
        }
        return s.toString();
    }

    private static String number(double v, String format) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
    }

    static String json(GpuProbe.Device d, List<BandwidthTest.Row> rows) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.putObject("device").put("index", d.index()).put("name", d.name()).put("pciBusId", d.pciBusId());
        ArrayNode arr = root.putArray("results");
        for (BandwidthTest.Row r : rows) {
            ObjectNode o = arr.addObject().put("memory", r.memory()).put("bytes", r.bytes());
            put(o, "h2dGbPerSecond", r.hostToDeviceGbps());
            put(o, "d2hGbPerSecond", r.deviceToHostGbps());
            put(o, "pinMs", r.allocMs());
        }
        return root.toPrettyString() + "\n";
    }

    private static void put(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) o.putNull(key);
        else o.put(key, v);
    }
}
