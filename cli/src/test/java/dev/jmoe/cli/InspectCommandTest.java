package dev.jmoe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmoe.host.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InspectCommandTest {
    private static final String MODEL = "qwen3moe-a-q4_k_m";

    record Result(int exit, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        var cl = JmoeCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** Golden rows (name, type, shape, offset, bytes) from the reference's tensor table. */
    static List<String[]> golden() throws IOException {
        List<String> lines = Files.readAllLines(TestData.golden(MODEL + ".tensors.tsv"));
        return lines.subList(1, lines.size()).stream().map(l -> l.split("\t")).toList();
    }

    @Test
    void jsonMatchesTheGoldenTensorTable() throws IOException {
        Result r = run("inspect", TestData.model(MODEL).toString(), "--json");
        assertEquals(0, r.exit, r.err);
        JsonNode root = new ObjectMapper().readTree(r.out);
        assertEquals(3, root.get("version").asInt());
        assertEquals("qwen3moe", root.get("metadata").get("general.architecture").asText());
        assertEquals(4096, root.get("metadata").get("tokenizer.ggml.tokens").size());
        List<String[]> golden = golden();
        JsonNode tensors = root.get("tensors");
        assertEquals(golden.size(), tensors.size());
        long expertBytes = 0, allBytes = 0;
        for (int i = 0; i < golden.size(); i++) {
            String[] g = golden.get(i);
            JsonNode t = tensors.get(i);
            assertEquals(g[0], t.get("name").asText());
            assertEquals(g[1], t.get("type").asText());
            assertEquals(g[2], String.join(",", t.get("shape").valueStream().map(JsonNode::asText).toList()));
            assertEquals(Long.parseLong(g[3]), t.get("offset").asLong(), g[0]);
            assertEquals(Long.parseLong(g[4]), t.get("bytes").asLong(), g[0]);
            allBytes += Long.parseLong(g[4]);
            if (g[0].contains("_exps")) expertBytes += Long.parseLong(g[4]);
        }
        JsonNode totals = root.get("totals");
        assertEquals(allBytes, totals.get("bytes").asLong());
        assertEquals(expertBytes, totals.get("experts").get("bytes").asLong());
        assertEquals(allBytes - expertBytes, totals.get("others").get("bytes").asLong());
        assertEquals(100.0 * expertBytes / allBytes, totals.get("experts").get("percent").asDouble(), 0.01);
    }

    @Test
    void tensorFilterSelectsByRegex() throws IOException {
        Result r = run("inspect", TestData.model(MODEL).toString(), "--json", "--tensors", "ffn_down_exps");
        JsonNode tensors = new ObjectMapper().readTree(r.out).get("tensors");
        assertEquals(2, tensors.size());
        String[] g = golden().stream().filter(row -> row[0].equals("blk.1.ffn_down_exps.weight")).findFirst().orElseThrow();
        assertEquals(Long.parseLong(g[3]), tensors.get(1).get("offset").asLong());
    }

    @Test
    void textAbbreviatesLongArraysAndShowsClasses() {
        Result r = run("inspect", TestData.model(MODEL).toString());
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.contains("… (4096 items)]"), r.out);
        assertTrue(r.out.contains("blk.0.ffn_gate_exps.weight"), r.out);
        assertTrue(r.out.contains("880000"), "offset of blk.0.ffn_gate_exps from the golden table");
        assertTrue(r.out.contains("experts (*_exps)       6 tensors"), r.out);
    }

    @Test
    void badFileIsOneLineAndExitOne(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.gguf");
        Files.write(bad, "GGML\3\0\0\0".getBytes());
        Result r = run("inspect", bad.toString());
        assertEquals(1, r.exit);
        assertEquals("jmoe inspect: " + bad + " at byte 0: wrong magic: expected \"GGUF\" (47 47 55 46), found 47 47 4d 4c",
                r.err.strip());
        assertEquals("", r.out);
    }
}
