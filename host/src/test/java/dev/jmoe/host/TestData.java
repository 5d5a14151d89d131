package dev.jmoe.host;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the shared test data (synthetic GGUF models, vocabularies, golden outputs).
 *
 * <p>One setting: the system property {@code jmoe.testdata} (Maven sets it to
 * {@code ../shared/testdata} beside the project root). Where the folder is absent, tests that need it
 * are skipped with a message, unless {@code jmoe.testdata.required=true} (set by {@code .ci/run}),
 * in which case they fail: a wrong path must not pass CI by skipping.
 */
public final class TestData {
    private TestData() {}

    /** The test data root; skips (or fails, when required) the calling test if it is absent. */
    public static Path root() {
        String setting = System.getProperty("jmoe.testdata", "../shared/testdata");
        Path root = Path.of(setting).toAbsolutePath().normalize();
        boolean present = Files.isDirectory(root.resolve("models"));
        if (!present && Boolean.getBoolean("jmoe.testdata.required")) {
            throw new IllegalStateException("test data required but not found at " + root
                    + " (set -Djmoe.testdata=DIR)");
        }
        Assumptions.assumeTrue(present, "test data not found at " + root + "; skipping (set -Djmoe.testdata=DIR)");
        return root;
    }

    /** A model file under {@code models/}, e.g. {@code model("qwen3moe-a-f32")}. */
    public static Path model(String name) {
        return root().resolve("models").resolve(name + ".gguf");
    }

    /** A file under {@code golden/}. */
    public static Path golden(String file) {
        return root().resolve("golden").resolve(file);
    }

    /** A file under {@code vocab/}. */
    public static Path vocab(String file) {
        return root().resolve("vocab").resolve(file);
    }
}
