package dev.jmoe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code jmoe bench}: the benchmark commands, one subcommand per thing measured. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks: kernels (CPU matvec/matmul against read bandwidth).",
        subcommands = {BenchKernelsCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
