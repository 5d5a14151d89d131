package dev.jmoe.host.server;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The official {@code openai} npm package at a pinned version, installed from the npm registry with the
 * machine's npm into {@code ~/.cache/jmoe/npm/openai-VERSION} (once; later builds reuse it). Where node, npm
 * or the registry is missing the calling test is skipped with a message, but fails under CI
 * ({@code CI=true} or {@code -Djmoe.testdata.required=true}, as {@code .ci/run} sets): CI must run it.
 */
final class OpenAiNpmPackage {
    /** The newest release whose package.json states no node engine above this machine's node 20. */
    static final String VERSION = "6.30.1";
    private static final long INSTALL_SECONDS = 180;

    private OpenAiNpmPackage() {}

    /** The installed package's directory (what {@code require} takes). */
    static Path install() {
        Path home = Path.of(System.getProperty("user.home"), ".cache", "jmoe", "npm");
        Path target = home.resolve("openai-" + VERSION);
        Path pkg = target.resolve("node_modules").resolve("openai");
        if (Files.isRegularFile(pkg.resolve("package.json"))) return pkg;
        require(found("node") && found("npm"), "node and npm are needed to run the openai npm client");
        try {
            Files.createDirectories(home);
            // Install beside the target and move it in whole, so a build that stops halfway or runs twice at
            // once never leaves a half-installed package where the next build would take it as done.
            Path staging = Files.createTempDirectory(home, "openai-" + VERSION + ".installing-");
            Run npm = run(staging, List.of("npm", "install", "--prefix", staging.toString(), "--no-audit", "--no-fund",
                    "--no-save", "--loglevel=error", "openai@" + VERSION), INSTALL_SECONDS);
            require(npm.exit() == 0, "npm install openai@" + VERSION + " failed (exit " + npm.exit() + "): " + npm.output().strip());
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException e) {
                delete(staging); // another build finished first
            }
        } catch (IOException e) {
            require(false, "installing openai@" + VERSION + " into " + home + " failed: " + e);
        }
        require(Files.isRegularFile(pkg.resolve("package.json")), "npm reported success but " + pkg + " has no package.json");
        return pkg;
    }

    record Run(int exit, String output) {}

    /** Runs a command in {@code dir} and returns its exit status and its stdout and stderr together. */
    static Run run(Path dir, List<String> command, long seconds) throws IOException {
        Path log = Files.createTempFile("jmoe-node-", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try {
                if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new Run(-1, String.join(" ", command) + " ran past " + seconds + " s");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                return new Run(-1, "interrupted");
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static boolean found(String program) {
        try {
            Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Fails under CI, skips elsewhere. */
    private static void require(boolean ok, String why) {
        if (ok) return;
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean("jmoe.testdata.required");
        if (ci) throw new IllegalStateException(why + " (CI requires the openai npm client test)");
        Assumptions.abort(why + "; skipping the openai npm client test");
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
