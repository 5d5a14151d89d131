package dev.jmoe.host.engine;

import dev.jmoe.host.TestData;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;

/** The reference's golden tokens and logits of a test model, and how close a result comes to them. */
record GoldenLogits(int[] tokens, float[] logits, int vocab) {

    static GoldenLogits of(String model) throws IOException {
        List<String> lines = Files.readAllLines(TestData.golden(model + ".tokens.txt"));
        int[] tokens = Arrays.stream(lines.get(1).trim().split(",")).mapToInt(Integer::parseInt).toArray();
        byte[] bytes = Files.readAllBytes(TestData.golden(model + ".logits.f32"));
        float[] logits = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(logits);
        return new GoldenLogits(tokens, logits, logits.length / tokens.length);
    }

    /** Per-position agreement of {@code actual} with the golden logits. */
    Agreement compare(float[] actual) {
        int n = tokens.length;
        float[] maxDiff = new float[n];
        boolean[] argmaxEqual = new boolean[n];
        boolean[] decisive = new boolean[n];
        double squares = 0;
        for (int t = 0; t < n; t++) {
            int base = t * vocab;
            for (int i = 0; i < vocab; i++) {
                float d = actual[base + i] - logits[base + i];
                maxDiff[t] = Math.max(maxDiff[t], Math.abs(d));
                squares += (double) d * d;
            }
            argmaxEqual[t] = argmax(actual, base) == argmax(logits, base);
            decisive[t] = topGap(logits, base) > 0.01f;
        }
        return new Agreement(maxDiff, argmaxEqual, decisive, Math.sqrt(squares / ((double) n * vocab)));
    }

    private int argmax(float[] x, int base) {
        int best = 0;
        for (int i = 1; i < vocab; i++) if (x[base + i] > x[base + best]) best = i;
        return best;
    }

    private float topGap(float[] x, int base) {
        float first = Float.NEGATIVE_INFINITY, second = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            float v = x[base + i];
            if (v > first) {
                second = first;
                first = v;
            } else if (v > second) {
                second = v;
            }
        }
        return first - second;
    }

    /** {@code rms}: the root mean square logit difference over all positions and tokens. */
    record Agreement(float[] maxDiff, boolean[] argmaxEqual, boolean[] decisive, double rms) {
        float worst() {
            float w = 0;
            for (float d : maxDiff) w = Math.max(w, d);
            return w;
        }

        double fractionWithin(float limit) {
            int ok = 0;
            for (float d : maxDiff) if (d <= limit) ok++;
            return (double) ok / maxDiff.length;
        }

        double fractionArgmaxEqual() {
            int ok = 0;
            for (boolean b : argmaxEqual) if (b) ok++;
            return (double) ok / argmaxEqual.length;
        }

        boolean argmaxEqualWhereDecisive() {
            for (int t = 0; t < decisive.length; t++) if (decisive[t] && !argmaxEqual[t]) return false;
            return true;
        }

        /** An F32 model's bar: every logit within {@code limit}, and the argmax kept wherever the golden top two are apart. */
        void assertFloatModel(String model, float limit) {
            org.junit.jupiter.api.Assertions.assertTrue(worst() <= limit, model + ": " + this);
            org.junit.jupiter.api.Assertions.assertTrue(argmaxEqualWhereDecisive(),
                    model + ": argmax differs where the golden top two are apart: " + this);
        }

        /** A quantized model's bar (the testdata README's): ≥ 90% of positions within 0.25 and ≥ 90% equal argmax. */
        void assertQuantizedModel(String model) {
            org.junit.jupiter.api.Assertions.assertTrue(fractionWithin(0.25f) >= 0.9, model + ": " + this);
            org.junit.jupiter.api.Assertions.assertTrue(fractionArgmaxEqual() >= 0.9, model + ": " + this);
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "worst max|diff| %.5f, within 0.01 %.0f%%, within 0.25 %.0f%%, argmax equal %.0f%%, rms %.5f",
                    worst(), 100 * fractionWithin(0.01f), 100 * fractionWithin(0.25f), 100 * fractionArgmaxEqual(), rms);
        }
    }
}
