package dev.jmoe.host.model;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One {@code -ot PATTERN=BUFFER} rule: tensors whose name contains a match of the pattern (a search, as
 * llama.cpp's {@code std::regex_search}) go to that device. {@code --cpu-moe} and {@code --n-cpu-moe}
 * are rules of this kind too, as in llama.cpp, so the first matching rule wins whichever flag made it.
 *
 * @param source the flag text the rule came from, for messages and the summary
 */
public record TensorOverride(Pattern pattern, Device device, String source) {

    public boolean matches(String tensor) {
        return pattern.matcher(tensor).find();
    }

    /** One {@code -ot} value: {@code PATTERN=BUFFER[,PATTERN=BUFFER...]}, split on commas as llama.cpp does. */
    public static List<TensorOverride> parseList(String value) {
        List<TensorOverride> out = new ArrayList<>();
        for (String item : value.split(",", -1)) out.add(parse(item));
        return out;
    }

    static TensorOverride parse(String item) {
        int eq = item.lastIndexOf('=');
        if (eq < 0) throw new IllegalArgumentException("'" + item + "' has no '=BUFFER' (expected PATTERN=CPU or PATTERN=CUDA0)");
        String regex = item.substring(0, eq);
        if (regex.isEmpty()) throw new IllegalArgumentException("'" + item + "' has an empty tensor name pattern");
        Device device = Device.ofBufferName(item.substring(eq + 1));
        try {
            return new TensorOverride(Pattern.compile(regex), device, "-ot " + item);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + regex + "' is not a valid regular expression: "
                    + e.getDescription() + " near index " + e.getIndex());
        }
    }

    /** {@code --cpu-moe}: every expert tensor on the host. */
    public static TensorOverride cpuMoe() {
        return new TensorOverride(Pattern.compile("_exps"), Device.CPU, "--cpu-moe");
    }

    /** {@code --n-cpu-moe N}: the expert tensors of layers 0 .. N-1 on the host, one rule per layer. */
    public static List<TensorOverride> nCpuMoe(int layers) {
        if (layers < 0) throw new IllegalArgumentException("--n-cpu-moe must not be negative, got " + layers);
        List<TensorOverride> out = new ArrayList<>(layers);
        for (int i = 0; i < layers; i++) {
            out.add(new TensorOverride(Pattern.compile("^blk\\." + i + "\\..*_exps"), Device.CPU, "--n-cpu-moe " + layers));
        }
        return out;
    }

    @Override
    public String toString() {
        return source;
    }
}
