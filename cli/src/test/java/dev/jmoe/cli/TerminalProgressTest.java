package dev.jmoe.cli;

import dev.jmoe.host.bench.BenchCase;
import dev.jmoe.host.bench.BenchFormat;
import dev.jmoe.host.bench.BenchTest;
import dev.jmoe.host.engine.EngineOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the progress line shows (a terminal, not JSON) and what it says. */
class TerminalProgressTest {
    @Test
    void onlyOnATerminalAndNeverForJson() {
        assertTrue(TerminalProgress.wanted(true, BenchFormat.MD));
        assertTrue(TerminalProgress.wanted(true, BenchFormat.CSV));
        assertFalse(TerminalProgress.wanted(true, BenchFormat.JSON));
        assertFalse(TerminalProgress.wanted(true, BenchFormat.JSONL));
        for (BenchFormat f : BenchFormat.values()) assertFalse(TerminalProgress.wanted(false, f), f.label());
    }

    @Test
    void surefiresRedirectedStdoutIsNoTerminal() {
        // The test JVM's stdout is a pipe to Maven: exactly the "not a TTY" case.
        assertFalse(TerminalProgress.wanted(BenchFormat.MD));
    }

    @Test
    void theLineNamesTheConfigurationAndTheRepetition() {
        BenchCase c = new BenchCase(Path.of("/models/m.gguf"), EngineOptions.defaults(8).withBatch(2048, 256), BenchTest.generation(128, 0));
        assertEquals("bench [2/4] m.gguf tg128 t=8 b=2048 ub=256: warm-up", TerminalProgress.line(1, 4, c, 0, 5));
        assertEquals("bench [2/4] m.gguf tg128 t=8 b=2048 ub=256: run 3/5", TerminalProgress.line(1, 4, c, 3, 5));
    }
}
