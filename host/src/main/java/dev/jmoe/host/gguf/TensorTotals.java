package dev.jmoe.host.gguf;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Tensor counts and bytes of a set of tensors: overall, per type, and per class: expert tensors
 * (host-resident in hybrid mode) versus the rest (GPU-resident).
 */
public record TensorTotals(Sum all, Map<GgmlType, Sum> byType, Sum experts, Sum others) {

    /** A count of tensors and their bytes. */
    public record Sum(long count, long bytes) {
        static final Sum ZERO = new Sum(0, 0);

        Sum plus(GgufTensorInfo t) {
            return new Sum(count + 1, bytes + t.bytes());
        }

        /** This sum's bytes as a percentage of {@code whole}'s (0 for an empty whole). */
        public double percentOf(Sum whole) {
            return whole.bytes == 0 ? 0 : 100.0 * bytes / whole.bytes;
        }
    }

    public TensorTotals {
        byType = java.util.Collections.unmodifiableMap(new EnumMap<>(byType));
    }

    public static TensorTotals of(List<GgufTensorInfo> tensors) {
        Sum all = Sum.ZERO, experts = Sum.ZERO, others = Sum.ZERO;
        Map<GgmlType, Sum> byType = new EnumMap<>(GgmlType.class);
        for (GgufTensorInfo t : tensors) {
            all = all.plus(t);
            byType.put(t.type(), byType.getOrDefault(t.type(), Sum.ZERO).plus(t));
            if (t.isExpert()) experts = experts.plus(t);
            else others = others.plus(t);
        }
        return new TensorTotals(all, byType, experts, others);
    }
}
