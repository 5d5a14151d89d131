package dev.jmoe.kernels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a build tool (nvcc, ptxas, scripts/ptx.sh) and returns its exit status and merged output. */
record ExternalCommand(int exitStatus, String output) {

    private static final long TIMEOUT_SECONDS = 300;

    static ExternalCommand run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        // Read before waiting: a full pipe would block the child.
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        return new ExternalCommand(process.exitValue(), output);
    }
}
