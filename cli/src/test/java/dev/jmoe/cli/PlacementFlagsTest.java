package dev.jmoe.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmoe.host.TestData;
import dev.jmoe.host.engine.BackendSelection;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The placement flags on every command that loads a model, their usage errors, inspect --placement and the CPU-only line. */
class PlacementFlagsTest {
    private static String model() {
        return TestData.model("qwen3moe-a-q4_k_m").toString();
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("");
    }

    @Test
    void everyCommandThatLoadsAModelTakesThePlacementFlags() {
        for (String command : List.of("run", "chat", "serve", "bench", "perplexity", "logits", "inspect")) {
            MainTest.Result r = MainTest.jmoe("help", command);
            assertEquals(0, r.code(), command + ": " + r.err());
            for (String flag : List.of("--n-gpu-layers", "--override-tensor", "--cpu-moe", "--n-cpu-moe", "--fit-target")) {
                assertTrue(r.out().contains(flag), command + " lacks " + flag);
            }
        }
    }

    @Test
    void badValuesAreUsageErrorsOfOneLine() {
        String[][] cases = {
            {"-ngl", "-3", "Invalid value for option '--n-gpu-layers' (N): '-3' is not a layer count (expected a number >= 0, auto or all)"},
            {"-ot", "exps", "Invalid value for option '--override-tensor' (PATTERN=BUFFER[,...]): 'exps' has no '=BUFFER' (expected PATTERN=CPU or PATTERN=CUDA0)"},
            {"-ot", "exps=GPU", "Invalid value for option '--override-tensor' (PATTERN=BUFFER[,...]): unknown buffer type 'GPU' (expected CPU or CUDA0, CUDA1, ...)"},
            {"--n-cpu-moe", "-1", "Invalid value for option '--n-cpu-moe': '-1' is negative (expected 0 or more)"},
        };
        for (String[] c : cases) {
            MainTest.Result r = MainTest.jmoe("run", "-m", model(), "-p", "x", c[0], c[1]);
            assertEquals(2, r.code(), String.join(" ", c[0], c[1]) + ": " + r.err());
            assertEquals(c[2], firstLine(r.err()));
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
        MainTest.Result regex = MainTest.jmoe("run", "-m", model(), "-p", "x", "-ot", "blk.[0-=CPU");
        assertEquals(2, regex.code(), regex.err());
        assertTrue(firstLine(regex.err()).startsWith("Invalid value for option '--override-tensor' (PATTERN=BUFFER[,...]): 'blk.[0-' is not a valid regular expression: "),
                regex.err());
    }

    @Test
    void aBufferOfAMissingGpuIsAUsageError() {
        MainTest.Result r = MainTest.jmoe("inspect", model(), "--placement", "--gpu-mem", "24", "-ot", "exps=CUDA7");
        assertEquals(2, r.code(), r.err());
        assertEquals("jmoe inspect: '-ot exps=CUDA7': there is no CUDA7 (buffer types here: CPU, CUDA0)", r.err().strip());
    }

    @Test
    void aPlanThatDoesNotFitIsAUsageErrorNamingTheGpu() {
        // 1 GiB is all reserve: no room for whole layers
        MainTest.Result r = MainTest.jmoe("inspect", model(), "--placement", "--gpu-mem", "1", "-ngl", "all");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().strip().startsWith("jmoe inspect: -ngl all puts ") && r.err().contains(" on CUDA0 "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void inspectPlacementJsonShowsThePlanForAHypotheticalGpu() throws Exception {
        MainTest.Result r = MainTest.jmoe("inspect", model(), "--placement", "--json", "--gpu-mem", "24", "-c", "4096",
                "-ngl", "1", "-ot", "blk\\.1\\.ffn_up_exps=CUDA0", "--cpu-moe");
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals("1", root.get("gpuLayers").get("requested").asText());
        assertEquals(List.of("-ot blk\\.1\\.ffn_up_exps=CUDA0", "--cpu-moe"), root.get("overrides").valueStream().map(JsonNode::asText).toList());
        JsonNode cuda = root.get("devices").get(1);
        assertEquals("CUDA0", cuda.get("device").asText());
        assertEquals(24L << 30, cuda.get("freeBytes").asLong());
        // layer 1's non-expert tensors (162304 B, summed from the golden tensor table) and its up experts (294912 B)
        assertEquals(162_304 + 294_912, cuda.get("weightBytes").asLong());
        // one layer of f16 keys and values: 4096 positions x (128 + 128) x 2 B
        assertEquals(2_097_152, cuda.get("kvBytes").asLong());
        assertEquals(1L << 30, cuda.get("reserveBytes").asLong());
        for (JsonNode t : root.get("tensors")) {
            String name = t.get("name").asText();
            String expected = name.equals("blk.1.ffn_up_exps.weight") || name.startsWith("blk.1.") && !name.contains("_exps") ? "CUDA0" : "CPU";
            assertEquals(expected, t.get("device").asText(), name);
        }
    }

    @Test
    void inspectPlacementListsTheDeviceOfTheTensorsAskedFor() {
        MainTest.Result r = MainTest.jmoe("inspect", model(), "--placement", "--gpu-mem", "24", "--tensors", "blk\\.0\\.(ffn_up|attn_q\\.)");
        assertEquals(0, r.code(), r.err());
        List<String> rows = r.out().lines().filter(l -> l.startsWith("  blk.")).map(l -> l.strip().replaceAll(" +", " ")).toList();
        // bytes from the golden tensor table; under -ngl auto the 24 GiB left take the experts too
        assertEquals(List.of("blk.0.attn_q.weight attention 36864 CUDA0", "blk.0.ffn_up_exps.weight experts 294912 CUDA0"), rows);
    }

    @Test
    void inspectPlacementWithoutAGpuSaysHowToAskForOne() {
        assumeFalse(driverLoads(), "a CUDA driver is installed here");
        MainTest.Result r = MainTest.jmoe("inspect", model(), "--placement");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("placement: -ngl auto, no GPU: everything on the CPU; KV cache f16/f16, 4096 positions\n"), r.out());
        assertTrue(r.out().contains("no GPU here (no CUDA driver (libcuda.so.1 not found)); --gpu-mem GiB shows the plan for a GPU of that size"), r.out());
    }

    @Test
    void theDefaultLoggingConfigurationShowsTheCpuOnlyLine() throws Exception {
        LoggerContext fresh = new LoggerContext();
        JoranConfigurator config = new JoranConfigurator();
        config.setContext(fresh);
        config.doConfigure(PlacementFlagsTest.class.getResource("/logback.xml"));
        assertEquals(Level.WARN, fresh.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
        assertTrue(fresh.getLogger(BackendSelection.class).isInfoEnabled());
    }

    @Test
    void aCpuBoxRunsCpuOnlyWithExactlyOneLineSayingWhy() {
        assumeFalse(driverLoads(), "a CUDA driver is installed here");
        List<ILoggingEvent> events = capture(() -> {
            MainTest.Result r = MainTest.jmoe("run", "-m", model(), "-p", "Hello", "-n", "1", "--temp", "0", "-t", "2", "-ot", "attn=CUDA0");
            assertEquals(0, r.code(), r.err());
        });
        assertEquals(1, events.size(), events.toString());
        assertEquals(Level.INFO, events.getFirst().getLevel());
        assertEquals("no CUDA device: no CUDA driver (libcuda.so.1 not found); running CPU-only", events.getFirst().getFormattedMessage());
    }

    @Test
    void nglZeroLooksForNoGpuAndSaysNothing() {
        List<ILoggingEvent> events = capture(() -> {
            MainTest.Result r = MainTest.jmoe("run", "-m", model(), "-p", "Hello", "-n", "1", "--temp", "0", "-t", "2", "-ngl", "0");
            assertEquals(0, r.code(), r.err());
        });
        assertTrue(events.isEmpty(), events.toString());
    }

    /** The load notices logged while {@code body} runs, at the level logback.xml gives them (restored after: tests share the JVM). */
    private static List<ILoggingEvent> capture(Runnable body) {
        Logger notices = (Logger) LoggerFactory.getLogger(BackendSelection.class);
        Level before = notices.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        notices.setLevel(Level.INFO);
        notices.addAppender(appender);
        try {
            body.run();
        } finally {
            notices.detachAppender(appender);
            notices.setLevel(before);
        }
        return appender.list;
    }

    private static boolean driverLoads() {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup("libcuda.so.1", arena);
            return true;
        } catch (IllegalArgumentException notFound) {
            return false;
        }
    }
}
