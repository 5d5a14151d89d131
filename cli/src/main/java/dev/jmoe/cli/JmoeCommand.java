package dev.jmoe.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.jmoe.host.engine.BackendSelection;
import dev.jmoe.host.model.PlacementException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The top-level {@code jmoe} command: global options and the list of subcommands. */
@Command(name = "jmoe",
        mixinStandardHelpOptions = true,
        versionProvider = JmoeCommand.Version.class,
        description = "Serves Mixture-of-Experts LLMs from GGUF: experts in host memory, the rest on CUDA.",
        subcommands = {TopoCommand.class, InspectCommand.class, TokenizeCommand.class, RunCommand.class, ChatCommand.class, PerplexityCommand.class, LogitsCommand.class, BenchCommand.class, PcieCommand.class, SynthCommand.class, ServeCommand.class, CommandLine.HelpCommand.class})
public final class JmoeCommand implements Runnable {

    /** Global options, inherited by every subcommand (so {@code jmoe topo -v} works too). */
    @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Debug logging and full stack traces on errors.")
    void verbose(boolean on) {
        verbose = on;
        if (on) setLogLevel(Level.DEBUG);
    }

    @Option(names = "--log-level", scope = CommandLine.ScopeType.INHERIT, paramLabel = "LEVEL",
            description = "Log level: error, warn (default), info, debug, trace.")
    void logLevel(String name) {
        Level level = Level.toLevel(name, null);
        if (level == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--log-level': '" + name + "' (expected error, warn, info, debug or trace)");
        }
        setLogLevel(level);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static boolean verbose;

    static boolean verbose() {
        return verbose;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The configured command line: usage errors exit 2, failures print one line and exit 1. */
    static CommandLine commandLine() {
        verbose = false;
        CommandLine cl = new CommandLine(new JmoeCommand());
        cl.setExecutionExceptionHandler(new Failures());
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }

    /**
     * Sets the root level; the load notices (logback.xml shows them at INFO by default) follow a level that
     * hides INFO, so {@code --log-level warn} or {@code error} silences them too.
     */
    private static void setLogLevel(Level level) {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(level);
        Logger notices = (Logger) LoggerFactory.getLogger(BackendSelection.class);
        notices.setLevel(level.isGreaterOrEqual(Level.WARN) ? level : Level.INFO);
    }

    /** Turns an exception from a command into one line on stderr (the stack trace only with -v). */
    static final class Failures implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
            if (e instanceof CommandLine.ParameterException pe) {
                cl.getErr().println(pe.getMessage());
                return 2;
            }
            if (e instanceof PlacementException) { // the placement flags do not fit this machine: fixed by changing them
                cl.getErr().println("jmoe " + cl.getCommandName() + ": " + e.getMessage());
                return 2;
            }
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            cl.getErr().println("jmoe " + cl.getCommandName() + ": " + message);
            if (verbose) e.printStackTrace(cl.getErr());
            return 1;
        }
    }

    /** Reads the version Maven stamped into {@code version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = new Properties();
            try (InputStream in = JmoeCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new String[] {
                "jmoe " + p.getProperty("version", "unknown"),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}
