package dev.jmoe.host.topo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The kernel's {@code /proc} and {@code /sys} files under a root directory: {@code /} on the live
 * machine, a copy of another machine's trees in tests. Every topology reader reads through one, so
 * nothing else resolves absolute paths.
 */
public final class SysTree {
    private final Path root;

    public SysTree(Path root) {
        this.root = root;
    }

    /** The live machine. */
    public static SysTree live() {
        return new SysTree(Path.of("/"));
    }

    public Path root() {
        return root;
    }

    /** Where the absolute kernel path {@code path} (e.g. {@code /proc/cpuinfo}) lies under the root. */
    public Path resolve(String path) {
        return root.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    public boolean exists(String path) {
        return Files.exists(resolve(path));
    }

    /** The file's text, or empty when the kernel has no such file (a feature it was built without). */
    public Optional<String> readIfPresent(String path) {
        try {
            return Optional.of(Files.readString(resolve(path)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resolve(path) + ": " + e.getMessage(), e);
        }
    }

    /** The file's text; its absence is an error naming the file. */
    public String read(String path) {
        return readIfPresent(path).orElseThrow(
                () -> new TopologyFormatException(resolve(path), "file not found"));
    }

    /** A file holding one decimal integer, as most sysfs attributes do. */
    public long readLong(String path) {
        return parseLong(path, read(path));
    }

    /** Like {@link #readLong} but empty when the file is absent. */
    public Optional<Long> readLongIfPresent(String path) {
        return readIfPresent(path).map(text -> parseLong(path, text));
    }

    private long parseLong(String path, String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new TopologyFormatException(resolve(path), "expected an integer, found '" + text.strip() + "'");
        }
    }

    /** A file in the kernel's CPU list format ({@link CpuList}). */
    public List<Integer> readCpuList(String path) {
        try {
            return CpuList.parse(read(path));
        } catch (IllegalArgumentException e) {
            throw new TopologyFormatException(resolve(path), e.getMessage());
        }
    }

    /**
     * The entries of a directory whose names match {@code pattern}, as matchers (so callers read the
     * groups), in name order; none when the directory is absent.
     */
    public List<Matcher> list(String dir, Pattern pattern) {
        Path d = resolve(dir);
        if (!Files.isDirectory(d)) return List.of();
        List<Matcher> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(d)) {
            entries.map(p -> pattern.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .forEach(found::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + d + ": " + e.getMessage(), e);
        }
        found.sort((a, b) -> a.group().compareTo(b.group()));
        return found;
    }
}
