package dev.jmoe.cli;

import picocli.CommandLine;

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
}
