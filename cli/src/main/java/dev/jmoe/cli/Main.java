package dev.jmoe.cli;

import java.io.PrintWriter;

/** Entry point of the {@code jmoe} command: builds the picocli tree and maps outcomes to exit codes. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 usage error). */
    public static int run(String... args) {
        return JmoeCommand.commandLine().execute(args);
    }

    /** As {@link #run(String...)}, with stdout and stderr redirected (for tests and embedding). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        var cl = JmoeCommand.commandLine();
        cl.setOut(out);
        cl.setErr(err);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }
}
