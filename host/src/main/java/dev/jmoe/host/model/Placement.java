package dev.jmoe.host.model;

import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufTensorInfo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one place that says where each tensor lives, decided once at load. Today every tensor is on the
 * CPU; the rules of {@code -ngl}, {@code -ot}, {@code --cpu-moe} and {@code --numa} will build other plans
 * here, and the forward pass asks {@link #deviceOf} rather than deciding itself.
 */
public final class Placement {
    private final Map<String, Device> byTensor;

    private Placement(Map<String, Device> byTensor) {
        this.byTensor = Map.copyOf(byTensor);
    }

    /** Every tensor of {@code model} on the CPU. */
    public static Placement allCpu(GgufModel model) {
        Map<String, Device> m = new LinkedHashMap<>();
        for (GgufTensorInfo t : model.tensors()) m.put(t.name(), Device.CPU);
        return new Placement(m);
    }

    public Device deviceOf(String tensor) {
        Device d = byTensor.get(tensor);
        if (d == null) throw new IllegalArgumentException("no placement for tensor '" + tensor + "'");
        return d;
    }

    /** One line for the load log, e.g. {@code placement: cpu 27 tensors}. */
    public String summary() {
        Map<String, Integer> counts = new TreeMap<>();
        byTensor.values().forEach(d -> counts.merge(d.toString(), 1, Integer::sum));
        StringBuilder b = new StringBuilder("placement:");
        counts.forEach((d, n) -> b.append(' ').append(d).append(' ').append(n).append(" tensors"));
        return b.toString();
    }
}
