package dev.jmoe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmoe.host.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jmoe bench -m}, {@code --sweep} and {@code jmoe synth} end to end on tiny models (speeds are reported, never asserted). */
class BenchCommandTest {
    private static final String MODEL = TestData.model("qwen3moe-a-q4_k_m").toString();

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = JmoeCommand.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void jsonHasTheFieldsAndPositiveSpeeds() throws Exception {
        Run r = run("bench", "-m", MODEL, "-p", "32", "-n", "8", "-r", "2", "-t", "1", "-o", "json");
        assertEquals(0, r.exit(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(2, json.size());
        assertEquals("pp32", json.get(0).get("test").asText());
        assertEquals("tg8", json.get(1).get("test").asText());
        for (JsonNode o : json) {
            for (String key : new String[] {"model", "test", "n_prompt", "n_gen", "n_depth", "threads", "avg_ts", "stddev_ts", "samples_ts"}) {
                assertTrue(o.has(key), key + " missing: " + o);
            }
            assertTrue(o.get("avg_ts").asDouble() > 0);
            assertEquals(1, o.get("threads").asInt());
        }
    }

    /** On a machine without a GPU every -ngl runs CPU-only (one line says so), but each case keeps its flags. */
    @Test
    void gpuLayersAndPinModesAreListsOfTheCrossProduct() throws Exception {
        Run r = run("bench", "-m", MODEL, "-p", "8", "-n", "0", "-r", "1", "-t", "1", "-ngl", "0,all", "--expert-pin", "off,register", "-o", "json");
        assertEquals(0, r.exit(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(4, json.size(), r.out());
        String[] want = {"0 off", "0 register", "all off", "all register"};
        for (int i = 0; i < 4; i++) {
            JsonNode o = json.get(i);
            assertEquals(want[i], o.get("n_gpu_layers").asText() + " " + o.get("expert_pin").asText(), o.toString());
            assertEquals("32", o.get("offload_batch_size").asText());
            assertEquals("CPU", o.get("backend").asText());
        }
        assertEquals(0, json.get(0).get("n_gpu_layers").asInt(), "a count is a JSON number, as llama-bench writes it");
    }

    @Test
    void markdownTableWithTheVariedFlag() {
        Path png = dir.resolve("ub.png");
        Run r = run("bench", "-m", MODEL, "-p", "16", "-n", "0", "-r", "1", "-t", "1", "-ub", "8,16", "--plot", png.toString());
        assertEquals(0, r.exit(), r.err());
        assertPng(png);
        String[] lines = r.out().split("\n");
        assertEquals(4, lines.length, r.out());
        assertTrue(lines[0].startsWith("| model ") && lines[0].contains("| n_ubatch |") && lines[0].endsWith("|                  t/s |"), lines[0]);
        assertTrue(lines[2].contains("|        8 |            pp16 |"), lines[2]);
        assertTrue(lines[3].contains("|       16 |            pp16 |"), lines[3]);
    }

    @Test
    void sweepPrintsARowPerMicroBatch() {
        Path png = dir.resolve("sweep.png");
        Run r = run("bench", "--sweep", "-m", MODEL, "-c", "32", "-ub", "16", "-t", "1", "--plot", png.toString());
        assertEquals(0, r.exit(), r.err());
        assertPng(png);
        String[] lines = r.out().split("\n");
        assertEquals("|    PP |     TG |   N_KV |   T_PP s | S_PP t/s |   T_TG s | S_TG t/s |", lines[0]);
        assertEquals(4, lines.length, r.out());
        assertTrue(lines[2].startsWith("|    16 |      4 |      0 |"), lines[2]);
        assertTrue(lines[3].startsWith("|    16 |      4 |     16 |"), lines[3]);
    }

    private static void assertPng(Path png) {
        try {
            var image = javax.imageio.ImageIO.read(png.toFile());
            assertTrue(image != null && image.getWidth() == PngPlot.WIDTH && image.getHeight() == PngPlot.PANEL_HEIGHT, png + ": " + image);
        } catch (java.io.IOException e) {
            throw new AssertionError(png + " was not written: " + e.getMessage(), e);
        }
    }

    @Test
    void plotFlagsAreCheckedBeforeTheBenchmarkRuns() {
        Run svg = run("bench", "-m", MODEL, "--plot", dir.resolve("x.svg").toString());
        assertEquals(2, svg.exit());
        assertTrue(svg.err().contains("must end in .png"), svg.err());
        Run axis = run("bench", "-m", MODEL, "--plot", dir.resolve("x.png").toString(), "--plot-x", "colour");
        assertEquals(2, axis.exit());
        assertTrue(axis.err().contains("unknown --plot-x 'colour'"), axis.err());
        assertTrue(Files.notExists(dir.resolve("x.png")));
    }

    @Test
    void sweepTakesOneConfiguration() {
        Run r = run("bench", "--sweep", "-m", MODEL, "-c", "32", "-ub", "8,16");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("--sweep takes one value each"), r.err());
    }

    @Test
    void withoutAModelItIsAUsageError() {
        Run r = run("bench", "-p", "16");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Missing required option: '--model=MODEL'"), r.err());
    }

    @Test
    void synthWritesAModelTheBenchRuns() throws Exception {
        Path file = dir.resolve("s.gguf");
        Run w = run("synth", "-o", file.toString(), "--n-embd", "256", "--layers", "2", "--experts", "4", "--experts-used", "2",
                "--expert-ff", "256", "--heads", "4", "--heads-kv", "2", "--head-dim", "64", "--vocab", "512", "--type", "q8_0");
        assertEquals(0, w.exit(), w.err());
        assertTrue(w.out().startsWith("synth: wrote " + file), w.out());
        assertTrue(Files.size(file) > 3L * 2 * 4 * 256 * 256, "at least the experts at one byte per weight");
        Run b = run("bench", "-m", file.toString(), "-p", "8", "-n", "2", "-r", "1", "-t", "1", "-o", "jsonl");
        assertEquals(0, b.exit(), b.err());
        assertEquals(2, b.out().lines().count());
        assertTrue(b.out().contains("\"model\":\"qwen3moe 2M Q8_0\""), b.out());
    }

    @Test
    void synthLikeTakesAReleasedShapeAndFlagsOverrideIt() throws Exception {
        Path file = dir.resolve("m.gguf");
        Run w = run("synth", "--like", "mixtral-8x7b", "--layers", "1", "--n-embd", "256", "--expert-ff", "256", "--heads", "4",
                "--heads-kv", "2", "--head-dim", "64", "--vocab", "300", "--type", "q4_0", "-o", file.toString());
        assertEquals(0, w.exit(), w.err());
        var model = dev.jmoe.host.gguf.GgufModel.open(file);
        assertEquals("llama", model.metadata().getString("general.architecture"));
        assertEquals(8, model.metadata().getInt("llama.expert_count"), "from the preset");
        assertEquals(2, model.metadata().getInt("llama.expert_used_count"), "from the preset");
        assertEquals(1, model.metadata().getInt("llama.block_count"), "overridden");
        assertTrue(Files.list(dir).noneMatch(f -> f.getFileName().toString().endsWith(".synth-tmp")), "scratch file removed");
    }

    @Test
    void synthRefusesAnImpossibleShape() {
        Run r = run("synth", "-o", dir.resolve("x.gguf").toString(), "--experts", "4", "--experts-used", "8");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("experts-used must be 1..4"), r.err());
    }
}
