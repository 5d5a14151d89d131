package dev.jmoe.cli;

import dev.jmoe.host.demo.DemoModel;

import java.io.PrintWriter;
import java.nio.file.Path;

/** The model a generating command runs: the one given with {@code -m}, else the bundled demo model (said once on stderr). */
final class DemoFallback {
    private DemoFallback() {}

    static Path modelOrDemo(Path model, PrintWriter err) {
        if (model != null) return model;
        Path demo = DemoModel.ensure();
        err.println("jmoe: no -m given; using the demo model (synthetic, random weights: expect gibberish) " + demo);
        err.flush();
        return demo;
    }
}
