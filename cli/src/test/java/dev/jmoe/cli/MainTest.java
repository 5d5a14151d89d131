package dev.jmoe.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command's contract with its users: exit codes and one-line errors, as llama.cpp users expect. */
class MainTest {

    record Result(int code, String out, String err) {}

    static Result jmoe(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void versionNamesTheProjectAndTheJvm() {
        Result r = jmoe("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("jmoe "), r.out());
        assertTrue(r.out().contains("Java 25"), r.out());
    }

    @Test
    void unknownFlagIsAUsageErrorWithoutStackTrace() {
        Result r = jmoe("--no-such-flag");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown option: '--no-such-flag'"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void badLogLevelIsAUsageError() {
        Result r = jmoe("--log-level", "loud");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'--log-level': 'loud'"), r.err());
    }

    @Test
    void helpListsTheGlobalOptions() {
        Result r = jmoe("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--verbose") && r.out().contains("--log-level"), r.out());
    }

    @Test
    void missingModelFileIsOneLineNamingIt() {
        Result r = jmoe("inspect", "/no/such/model.gguf");
        assertEquals(1, r.code());
        assertEquals("jmoe inspect: no such file: /no/such/model.gguf", r.err().strip());
    }
}
