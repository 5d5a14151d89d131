package dev.jmoe.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jmoe.host.engine.CacheType;
import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.KvCache;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.model.ModelConfig;
import dev.jmoe.host.mem.LoadOptions;
import dev.jmoe.host.numa.MirrorScope;
import dev.jmoe.host.numa.NumaLoad;
import dev.jmoe.host.numa.NumaMode;
import dev.jmoe.host.numa.NumaPlacement;
import dev.jmoe.host.numa.PageLocator;
import dev.jmoe.host.numa.PlacementReport;
import dev.jmoe.host.topo.GpuProbe;
import dev.jmoe.host.topo.HostTopology;
import dev.jmoe.host.topo.SysTree;
import dev.jmoe.host.topo.TopoJson;
import dev.jmoe.host.topo.TopoText;
import dev.jmoe.host.topo.TopoWarnings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code jmoe topo}: what this machine offers the engine (CPU, NUMA, huge pages, CUDA and PCIe). */
@Command(name = "topo", mixinStandardHelpOptions = true,
        description = "Shows what this machine offers the engine: CPU and ISA, NUMA nodes, huge pages, "
                + "CUDA devices and their PCIe links, and warnings about settings that cost speed.")
public final class TopoCommand implements Runnable {

    @Option(names = "--json", description = "Print one JSON object instead of the text report.")
    boolean json;

    @Option(names = "--sysroot", paramLabel = "DIR", defaultValue = "/",
            description = "Read proc/ and sys/ under DIR instead of / (a copy of another machine's trees). Default: ${DEFAULT-VALUE}")
    Path sysroot;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL",
            description = "Also load this GGUF model as --numa says and report on which nodes its pages are.")
    Path model;

    @Option(names = "--numa", paramLabel = "MODE", converter = NumaModeConverter.class,
            description = "With -m: off (default), distribute, isolate, numactl, mirror.")
    NumaMode numa;

    @Option(names = "--numa-mirror", paramLabel = "SCOPE", converter = MirrorScopeConverter.class,
            description = "With --numa mirror: experts (default) or all tensors get a replica per node.")
    MirrorScope mirrorScope = MirrorScope.EXPERTS;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N",
            description = "With -m: the positions of the KV cache placed beside the model (default: the trained context, at most "
                    + Engine.DEFAULT_CONTEXT_CAP + ").")
    int context;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (!Files.isDirectory(sysroot)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--sysroot " + sysroot + " is not a directory");
        }
        if (context < 0) throw new CommandLine.ParameterException(spec.commandLine(), "-c must not be negative, got " + context);
        if (model == null && numa != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--numa needs a model to place: -m MODEL");
        }
        if (model != null && !sysroot.equals(Path.of("/"))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-m places the model on this machine; it cannot go with --sysroot");
        }
        HostTopology topo = HostTopology.read(new SysTree(sysroot), GpuProbe::installed);
        PrintWriter out = spec.commandLine().getOut();
        if (model == null) {
            out.print(json ? TopoJson.text(topo) + "\n" : TopoText.of(topo));
        } else {
            PlacementReport report = placementOf(topo);
            if (json) {
                ObjectNode root = TopoJson.of(topo);
                root.set("placement", report.toJson());
                out.print(root.toPrettyString() + "\n");
            } else {
                out.print(text(topo, report));
            }
        }
        out.flush();
    }

    /** The machine's report, then the placement's, without repeating a warning the first already gave (numa_balancing). */
    static String text(HostTopology topo, PlacementReport report) {
        return TopoText.of(topo) + "\n" + report.withoutWarnings(TopoWarnings.of(topo)).text();
    }

    /**
     * Loads the model as --numa says with an f16 KV cache of {@code -c} positions, as the engine would,
     * faults their pages in and asks the kernel where they are.
     */
    private PlacementReport placementOf(HostTopology topo) {
        GgufModel gguf = GgufModel.open(model);
        ModelConfig config = ModelConfig.from(gguf);
        NumaMode mode = numa == null ? NumaMode.OFF : numa;
        try (NumaPlacement placement = NumaLoad.load(gguf, LoadOptions.defaults(), topo, mode, mirrorScope)) {
            KvCache cache = new KvCache(config, Engine.contextSize(config, context), CacheType.F16, CacheType.F16, placement.plan().kvCache());
            return PlacementReport.of(gguf, placement, PageLocator.DEFAULT_SAMPLES, cache.memory());
        }
    }

    static final class NumaModeConverter implements CommandLine.ITypeConverter<NumaMode> {
        @Override
        public NumaMode convert(String value) {
            return NumaMode.parse(value);
        }
    }

    static final class MirrorScopeConverter implements CommandLine.ITypeConverter<MirrorScope> {
        @Override
        public MirrorScope convert(String value) {
            return MirrorScope.parse(value);
        }
    }
}
