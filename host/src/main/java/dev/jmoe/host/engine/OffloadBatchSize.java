package dev.jmoe.host.engine;

import java.util.Locale;
import java.util.function.Supplier;

/** {@code --offload-batch-size T|auto}: a fixed threshold, or one chosen from measured costs at load. */
public sealed interface OffloadBatchSize {
    record Fixed(int threshold) implements OffloadBatchSize {}

    record Auto() implements OffloadBatchSize {}

    OffloadBatchSize DEFAULT = new Fixed(OffloadRule.DEFAULT_THRESHOLD);

    static OffloadBatchSize parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("auto")) return new Auto();
        try {
            int v = Integer.parseInt(t);
            if (v >= 1) return new Fixed(v);
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("--offload-batch-size: '" + text + "' is neither a whole number ≥ 1 nor auto");
    }

    /** The rule; {@code costs} is asked only for {@code auto} (measuring needs the GPU and a CPU timing run). */
    default OffloadRule rule(Supplier<OffloadCosts> costs) {
        return switch (this) {
            case Fixed f -> OffloadRule.fixed(f.threshold());
            case Auto a -> OffloadRule.fromCosts(costs.get());
        };
    }
}
