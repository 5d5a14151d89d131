package dev.jmoe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopoCommandTest {

    /** What a command printed on stdout and stderr, and its exit code. */
    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    @Test
    void jsonOnThisMachineHasTheRequiredKeys() throws IOException {
        Run r = run("topo", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        for (String key : List.of("cpu", "numa", "hugepages", "cuda")) assertTrue(root.has(key), key + " in " + r.out());
        assertTrue(root.path("cpu").path("logicalCpus").asInt() >= 1);
        assertTrue(root.path("numa").path("nodes").size() >= 1);
        assertTrue(root.path("numa").path("balancing").isBoolean());
        assertTrue(root.path("cuda").path("available").isBoolean());
    }

    @Test
    void textOnThisMachineHasEverySection() {
        Run r = run("topo");
        assertEquals(0, r.exit(), r.err());
        for (String section : List.of("CPU\n", "\nNUMA: ", "\nHuge pages: ", "\nCUDA: ")) {
            assertTrue(r.out().contains(section), section + " in " + r.out());
        }
    }

    @Test
    void sysrootReadsAnotherMachinesTrees(@TempDir Path root) throws IOException {
        write(root.resolve("proc/cpuinfo"), "processor\t: 0\nphysical id\t: 0\ncore id\t\t: 0\nflags\t\t: avx2 fma\n\n"
                + "processor\t: 1\nphysical id\t: 0\ncore id\t\t: 0\nflags\t\t: avx2 fma\n\n");
        write(root.resolve("proc/meminfo"), "MemTotal: 1024 kB\nMemFree: 512 kB\n");
        write(root.resolve("proc/sys/kernel/numa_balancing"), "1\n");
        write(root.resolve("sys/devices/system/cpu/online"), "0-1\n");

        Run r = run("topo", "--sysroot", root.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(2, json.path("cpu").path("logicalCpus").asInt());
        assertEquals(1, json.path("cpu").path("physicalCores").asInt());
        assertEquals(1024 * 1024, json.path("numa").path("nodes").get(0).path("memTotalBytes").asLong());
        assertTrue(json.path("numa").path("balancing").asBoolean());

        Run text = run("topo", "--sysroot", root.toString());
        assertTrue(text.out().contains("\nwarning: kernel.numa_balancing is on"), text.out());
    }

    @Test
    void missingSysrootIsAUsageError(@TempDir Path root) {
        Run r = run("topo", "--sysroot", root.resolve("absent").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("is not a directory"), r.err());
    }

    @Test
    void brokenKernelFileFailsWithOneLineNamingIt(@TempDir Path root) throws IOException {
        write(root.resolve("proc/cpuinfo"), "nothing here\n");
        Run r = run("topo", "--sysroot", root.toString());
        assertEquals(1, r.exit());
        assertEquals("jmoe topo: " + root.resolve("proc/cpuinfo") + ": no 'processor' entries", r.err().strip());
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
