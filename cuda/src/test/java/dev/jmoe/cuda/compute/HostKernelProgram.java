package dev.jmoe.cuda.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A host program of {@code kernels-ptx/src/test/cuda}, built by nvcc from the kernels' own host-and-device code, so
 * CI checks what the GPU would compute without one; its inputs and outputs are little-endian files. Where nvcc is
 * not on the PATH the test using it is skipped (an assumption fails), not passed.
 */
final class HostKernelProgram {
    private final Path program;
    private final Path dir;

    private HostKernelProgram(Path program, Path dir) {
        this.program = program;
        this.dir = dir;
    }

    /** {@code source} (a file of kernels-ptx/src/test/cuda) built into {@code dir}. */
    static HostKernelProgram build(String source, Path dir) throws IOException, InterruptedException {
        Path nvcc = null;
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "nvcc"))) nvcc = Path.of(d, "nvcc");
        }
        assumeTrue(nvcc != null, "nvcc not on PATH: " + source + " is not built, the kernels' host check is skipped");
        Path cu = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
                .resolveSibling("kernels-ptx").resolve("src/test/cuda").resolve(source);
        Path program = dir.resolve(source.replace(".cu", ""));
        // No FMA contraction on the host, so its float products and differences round as the device's _rn ones.
        run(List.of(nvcc.toString(), "-O2", "-Xcompiler", "-ffp-contract=off", "-o", program.toString(), cu.toString()));
        return new HostKernelProgram(program, dir);
    }

    /** Runs the program with {@code args}, where a {@link Path} stands for a file. */
    void run(Object... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(program.toString()));
        for (Object a : args) command.add(a.toString());
        run(command);
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    Path floats(String name, float[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return write(name, b.array());
    }

    Path ints(String name, int[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) b.putInt(v);
        return write(name, b.array());
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** The {@code count} floats the program wrote to {@code file}, no more, no fewer. */
    static float[] readFloats(Path file, int count) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4L * count, b.capacity(), file.getFileName() + ": floats written");
        float[] out = new float[count];
        for (int i = 0; i < count; i++) out[i] = b.getFloat(4 * i);
        return out;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command.getFirst() + " did not finish in 300 s");
        }
        if (p.exitValue() != 0) fail(String.join(" ", command) + " exited " + p.exitValue() + ": " + output);
    }
}
