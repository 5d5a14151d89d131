package dev.jmoe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command's output shapes and its usage errors (speed itself is reported, never asserted). */
class BenchKernelsCommandTest {
    private static final String[] SMALL = {"bench", "kernels", "--size-mib", "1", "--matmul-mib", "1", "--reps", "1",
        "--warm-up-ms", "0", "--batches", "2", "--threads", "2"};

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = JmoeCommand.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String[] with(String... more) {
        String[] all = new String[SMALL.length + more.length];
        System.arraycopy(SMALL, 0, all, 0, SMALL.length);
        System.arraycopy(more, 0, all, SMALL.length, more.length);
        return all;
    }

    @Test
    void jsonReportHasOneEntryPerTypeWithTheMatrixShape() throws Exception {
        Run r = run(with("--types", "Q4_0,q6_k", "--json"));
        assertEquals(0, r.exit(), r.err());
        JsonNode report = new ObjectMapper().readTree(r.out());
        assertEquals(2, report.get("threads").asInt());
        assertTrue(report.get("read").get("gbPerSecond").asDouble() > 0);
        assertTrue(report.get("fma").get("gflops").asDouble() > 0);
        JsonNode types = report.get("types");
        assertEquals(2, types.size());
        assertEquals("Q4_0", types.get(0).get("type").asText());
        assertEquals((1 << 20) / (18 * 4096 / 32), types.get(0).get("rows").asInt());
        assertEquals("Q6_K", types.get(1).get("type").asText());
        assertEquals(2, types.get(1).get("matmul").get(0).get("batch").asInt());
        assertTrue(types.get(1).get("inCacheNanosPerElement").asDouble() > 0);
    }

    @Test
    void markdownTableHasAHeaderAndARowPerType() {
        Run r = run(with("--types", "Q8_0"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Read bandwidth: "), r.out());
        assertTrue(r.out().contains("\nFMA peak: "), r.out());
        assertTrue(r.out().contains("| type | matvec MiB |"), r.out());
        assertTrue(r.out().contains("| matmul b2 GFLOP/s |"), r.out());
        assertTrue(r.out().contains("\n| Q8_0 | 1.0 | 240 x 4096 |"), r.out());
    }

    @Test
    void unknownTypesAndBadShapesAreUsageErrors() {
        Run unknown = run(with("--types", "Q9_9"));
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("unknown type 'Q9_9'"), unknown.err());
        Run noKernel = run(with("--types", "IQ2_XXS"));
        assertEquals(2, noKernel.exit());
        assertTrue(noKernel.err().contains("no kernel for IQ2_XXS"), noKernel.err());
        Run cols = run(with("--cols", "100"));
        assertEquals(2, cols.exit());
        assertTrue(cols.err().contains("--cols"), cols.err());
    }
}
