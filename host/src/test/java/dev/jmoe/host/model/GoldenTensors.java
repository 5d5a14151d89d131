package dev.jmoe.host.model;

import dev.jmoe.host.TestData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/** Tensor names and bytes from the reference's {@code NAME.tensors.tsv}, independent of jmoe's GGUF reader. */
final class GoldenTensors {
    private GoldenTensors() {}

    static List<TensorSize> of(String model) {
        try {
            return Files.readAllLines(TestData.golden(model + ".tensors.tsv")).stream().skip(1)
                    .map(line -> line.split("\t"))
                    .map(f -> new TensorSize(f[0], Long.parseLong(f[4])))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
