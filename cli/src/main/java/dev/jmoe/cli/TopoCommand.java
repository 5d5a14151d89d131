package dev.jmoe.cli;

import dev.jmoe.host.topo.GpuProbe;
import dev.jmoe.host.topo.HostTopology;
import dev.jmoe.host.topo.SysTree;
import dev.jmoe.host.topo.TopoJson;
import dev.jmoe.host.topo.TopoText;
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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (!Files.isDirectory(sysroot)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--sysroot " + sysroot + " is not a directory");
        }
        HostTopology topo = HostTopology.read(new SysTree(sysroot), GpuProbe::installed);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? TopoJson.text(topo) + "\n" : TopoText.of(topo));
        out.flush();
    }
}
