package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vector kernels on real quantized rows (scales as the reference's quantizer chose them, first, middle
 * and last row of every 2-D and 3-D tensor), against the exact integer reference, one and four tokens at a time.
 */
class GoldenDotTest {

    @ParameterizedTest
    @ValueSource(strings = {"qwen3moe-a-q8_0", "qwen3moe-a-q4_0", "qwen3moe-a-q4_k_m", "qwen3moe-a-q6_k", "ds2-a-q4_k_m"})
    void vectorKernelsMatchTheReferenceOnModelRows(String model) {
        Random r = new Random(model.hashCode());
        RowDot kernel = RowDots.preferred();
        int checked = 0;
        try (GoldenTensors q = new GoldenTensors(model)) {
            for (GoldenTensors.Entry e : q.tensors.values()) {
                if (e.type() == GgmlType.F32 || e.shape().length < 2) continue;
                int cols = (int) e.shape()[0];
                long rowBytes = e.type().bytesFor(cols);
                long rows = e.bytes() / rowBytes;
                Activation[] a = new Activation[4];
                for (int t = 0; t < 4; t++) {
                    float[] x = new float[cols];
                    for (int i = 0; i < cols; i++) x[i] = (float) r.nextGaussian();
                    a[t] = ActivationQuantizer.quantize(x, ActivationFormat.forWeight(e.type()));
                }
                float[] four = new float[4];
                for (long row : new long[] {0, rows / 2, rows - 1}) {
                    long off = e.offset() + row * rowBytes;
                    kernel.dot4(e.type(), q.file, off, a[0], a[1], a[2], a[3], four);
                    for (int t = 0; t < 4; t++) {
                        double want = ScalarDot.integer(e.type(), q.file, off, a[t]);
                        double tol = DotMagnitude.tolerance(e.type(), q.file, off, a[t]);
                        assertEquals(want, kernel.dot(e.type(), q.file, off, a[t]), tol, e.name() + " row " + row);
                        assertEquals(want, four[t], tol, e.name() + " row " + row + " (four tokens)");
                    }
                    checked++;
                }
            }
        }
        assertTrue(checked > 0, "no quantized 2-D tensors in " + model);
    }
}
