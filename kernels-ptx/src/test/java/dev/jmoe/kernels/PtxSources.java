package dev.jmoe.kernels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Where this module keeps its CUDA sources and committed PTX, and the module names found there. */
final class PtxSources {

    /** The module directory: surefire sets {@code basedir}; an IDE usually runs from it. */
    static final Path MODULE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    static final Path CUDA = MODULE.resolve("src/main/cuda");
    static final Path PTX = MODULE.resolve("src/main/resources/ptx");
    static final Path PTX_SCRIPT = MODULE.resolveSibling("scripts/ptx.sh");

    private PtxSources() {}

    /** Base names of the files in {@code dir} ending in {@code suffix}. */
    static SortedSet<String> names(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            SortedSet<String> names = new TreeSet<>();
            files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(suffix))
                    .forEach(f -> names.add(f.substring(0, f.length() - suffix.length())));
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** The PTX lines after nvcc's leading comment block, which names the compiler build, not the code. */
    static List<String> body(List<String> lines) {
        int start = 0;
        while (start < lines.size() && (lines.get(start).startsWith("//") || lines.get(start).isEmpty())) {
            start++;
        }
        return lines.subList(start, lines.size());
    }

    /** The executable {@code command} on the PATH, or null. */
    static Path onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) return candidate;
        }
        return null;
    }
}
