package dev.jmoe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.kernel.KernelBenchmark;
import dev.jmoe.host.kernel.ScalarDequant;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code jmoe bench kernels}: matvec and matmul speed per weight type against the machine's measured read
 * bandwidth and FP32 FMA peak. A Markdown table on stdout (pasteable into an issue), or JSON with {@code --json}.
 */
@Command(name = "kernels",
        mixinStandardHelpOptions = true,
        description = {"Times the CPU kernels: matvec over a matrix larger than the last-level cache (GB/s of weights",
                "streamed, GFLOP/s, share of the read bandwidth measured the same way), and matmul at a few batch sizes",
                "(GFLOP/s, next to the FP32 FMA peak of the same threads with no memory traffic)."})
public final class BenchKernelsCommand implements Callable<Integer> {

    @Option(names = "--types", split = ",", paramLabel = "TYPE",
            description = "Weight types, comma-separated (default: ${DEFAULT-VALUE}).", defaultValue = "Q8_0,Q4_0,Q4_K,Q6_K")
    List<String> types;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--size-mib", paramLabel = "MIB", defaultValue = "256",
            description = "Matvec weight matrix size in MiB; keep it above the last-level cache (default: ${DEFAULT-VALUE}).")
    int sizeMib;

    @Option(names = "--cols", paramLabel = "N", defaultValue = "4096",
            description = "Row length (a multiple of 256; default: ${DEFAULT-VALUE}).")
    int cols;

    @Option(names = "--matmul-mib", paramLabel = "MIB", defaultValue = "4",
            description = "Matmul weight matrix size in MiB (default: ${DEFAULT-VALUE}).")
    int matmulMib;

    @Option(names = "--batches", split = ",", paramLabel = "B", defaultValue = "32,512",
            description = "Matmul batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--reps", paramLabel = "N", defaultValue = "5",
            description = "Timed runs per measurement, after two warm-up runs; the best is reported (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--warm-up-ms", paramLabel = "MS", defaultValue = "1000",
            description = "Untimed runs before each measurement, at least this long, so the JIT has compiled the kernels (default: ${DEFAULT-VALUE}).")
    long warmUpMillis;

    @Option(names = "--json", description = "Print the report as JSON instead of a Markdown table.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        KernelBenchmark.Settings settings = settings();
        PrintWriter out = spec.commandLine().getOut();
        KernelBenchmark.Report report = KernelBenchmark.run(settings, line -> System.err.println("bench kernels: " + line));
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        } else {
            out.print(markdown(report));
        }
        out.flush();
        return 0;
    }

    private KernelBenchmark.Settings settings() {
        List<GgmlType> parsed = new ArrayList<>();
        for (String name : types) {
            GgmlType t;
            try {
                t = GgmlType.valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--types': unknown type '" + name + "'");
            }
            if (!ScalarDequant.supports(t)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--types': no kernel for " + t);
            }
            parsed.add(t);
        }
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--threads': " + n);
        if (cols <= 0 || cols % 256 != 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--cols': " + cols + " is not a positive multiple of 256");
        }
        if (sizeMib < 1 || matmulMib < 1 || reps < 1 || warmUpMillis < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--size-mib, --matmul-mib and --reps must be at least 1, --warm-up-ms at least 0");
        }
        for (int b : batches) {
            if (b < 1) throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--batches': " + b);
        }
        return new KernelBenchmark.Settings(parsed, n, (long) sizeMib << 20, cols, (long) matmulMib << 20, batches, reps, warmUpMillis);
    }

    static String markdown(KernelBenchmark.Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Read bandwidth: %.1f GB/s (%d threads, %d MiB, vectorized read-sum, best of runs; median %.1f GB/s)%n",
                r.read().gbPerSecond(), r.threads(), r.read().bytes() >> 20, r.read().bytes() / r.read().time().medianSeconds() / 1e9));
        sb.append(String.format(Locale.ROOT, "FMA peak: %.1f GFLOP/s (%d threads, FP32 FMAs in registers, the ceiling of the matmul columns; median %.1f)%n",
                r.fma().gflops(), r.threads(), r.fma().flops() / r.fma().time().medianSeconds() / 1e9));
        sb.append(String.format(Locale.ROOT, "Vector width %d bits, %d CPUs, load average before %s, after %s%n%n",
                r.vectorBits(), r.cpus(), r.loadAverageBefore(), r.loadAverageAfter()));
        List<Integer> batches = r.types().isEmpty() ? List.of() : r.types().getFirst().matmul().stream().map(KernelBenchmark.MatmulResult::batch).toList();
        sb.append("| type | matvec MiB | rows x cols | matvec ms | GB/s | % of read | GFLOP/s | ns/elem, 1 thread in L2 |");
        for (int b : batches) sb.append(" matmul b").append(b).append(" GFLOP/s |");
        sb.append('\n').append("|---|---:|---|---:|---:|---:|---:|---:|");
        sb.append("---:|".repeat(batches.size())).append('\n');
        for (KernelBenchmark.TypeResult t : r.types()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.1f | %d x %d | %.2f | %.1f | %.0f%% | %.1f | %.3f |",
                    t.type(), t.bytes() / (double) (1 << 20), t.rows(), t.cols(), t.matvecTime().bestSeconds() * 1e3,
                    t.gbPerSecond(), 100 * t.fractionOfRead(), t.gflops(), t.inCacheNanosPerElement()));
            for (KernelBenchmark.MatmulResult m : t.matmul()) sb.append(String.format(Locale.ROOT, " %.1f |", m.gflops()));
            sb.append('\n');
        }
        return sb.toString();
    }
}
