package dev.jmoe.host.ui;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {
    @Test
    void lineShowsFractionBytesAndSpeed() {
        assertEquals("load [###############...............]  50%  1.0 GiB / 2.0 GiB  1.07 GB/s",
                ProgressBar.line("load", 1L << 30, 2L << 30, 1.0));
    }

    @Test
    void drawsInPlaceAndEndsTheLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ProgressBar bar = new ProgressBar("x", 100, new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
            bar.update(10);
            bar.update(100);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\rx [###"), out);
        assertTrue(out.endsWith("100%  100 B / 100 B  " + out.substring(out.lastIndexOf("  ") + 2)), out);
        assertTrue(out.endsWith(System.lineSeparator()) && out.indexOf('\n') == out.length() - 1, out);
    }

    @Test
    void silentWithoutATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ProgressBar bar = new ProgressBar("x", 100, null)) {
            bar.update(50);
        }
        assertEquals(0, bytes.size());
    }
}
