package dev.jmoe.cli;

import dev.jmoe.host.topo.GpuProbe;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class PcieCommandTest {
    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static boolean gpuHere() {
        return GpuProbe.installed().map(p -> p.probe().available()).orElse(false);
    }

    @Test
    void withoutAGpuItSaysSoInOneLineAndExitsThree() {
        assumeFalse(gpuHere(), "a GPU is present: the GPU path runs instead");
        for (String[] args : List.of(new String[] {"pcie"}, new String[] {"pcie", "--json", "--sizes", "4KiB"})) {
            Run r = run(args);
            assertEquals(3, r.exit(), r.err());
            assertEquals("", r.out());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("jmoe pcie: no GPU to measure ("), r.err());
        }
    }

    @Test
    void badArgumentsAreUsageErrorsNamingTheValue() {
        Run sizes = run("pcie", "--sizes", "1MiB,lots");
        assertEquals(2, sizes.exit());
        assertTrue(sizes.err().contains("'lots' is not a size"), sizes.err());
        Run model = run("pcie", "-m", "/nonexistent/model.gguf");
        assertEquals(2, model.exit());
        assertTrue(model.err().contains("-m /nonexistent/model.gguf: no such file"), model.err());
    }

    @Test
    void sizesParseWithBinaryUnits() {
        assertEquals(4096, ByteCountConverter.parse("4096"));
        assertEquals(512L << 10, ByteCountConverter.parse("512KiB"));
        assertEquals(16L << 20, ByteCountConverter.parse("16MiB"));
        assertEquals(16L << 20, ByteCountConverter.parse("16m"));
        assertEquals(1L << 30, ByteCountConverter.parse("1GiB"));
        for (String bad : new String[] {"0", "1.5GiB", "-1", "1TB", ""}) {
            assertThrows(picocli.CommandLine.TypeConversionException.class, () -> ByteCountConverter.parse(bad), bad);
        }
    }

    @Test
    void tableShowsDashesWhereADirectionWasNotMeasured() {
        var d = new GpuProbe.Device(0, "Test GPU", 1L << 34, 9, 0, "0000:01:00.0");
        var rows = List.of(new dev.jmoe.cuda.staging.BandwidthTest.Row("registered mmap file (read-only)", 1L << 20, 12.345,
                Double.NaN, 1.25));
        String table = PcieCommand.table(d, rows);
        assertTrue(table.startsWith("pcie: Test GPU (device 0, 0000:01:00.0)"), table);
        assertTrue(table.contains("registered mmap file (read-only)      1.0 MiB      12.35          -        1.3"), table);
        String json = PcieCommand.json(d, rows);
        assertTrue(json.contains("\"d2hGbPerSecond\" : null"), json);
        assertTrue(json.contains("\"h2dGbPerSecond\" : 12.345"), json);
    }
}
