package dev.jmoe.host.server;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the Prometheus text exposition format (0.0.4) strictly, as the format's documentation defines it:
 * {@code # HELP name text}, {@code # TYPE name counter|gauge|histogram|summary|untyped}, samples
 * {@code name[{labels}] value [timestamp]}; every sample's metric must have a TYPE line before it.
 */
final class PrometheusParser {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{[^}]*})? (\\S+)( -?\\d+)?");

    private PrometheusParser() {}

    /** The value of each unlabelled sample; throws AssertionError naming the first line that breaks the format. */
    static Map<String, Double> parse(String text) {
        Map<String, String> types = new HashMap<>();
        Map<String, Double> values = new HashMap<>();
        if (!text.isEmpty() && !text.endsWith("\n")) throw new AssertionError("the exposition must end with a newline");
        for (String line : text.split("\n")) {
            if (line.isEmpty()) continue;
            Matcher m;
            if ((m = TYPE.matcher(line)).matches()) {
                if (types.put(m.group(1), m.group(2)) != null) throw new AssertionError("second TYPE line: " + line);
            } else if (HELP.matcher(line).matches() || line.startsWith("# ") && !line.startsWith("# HELP") && !line.startsWith("# TYPE")) {
                continue;
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                if (!types.containsKey(m.group(1))) throw new AssertionError("sample without a TYPE line: " + line);
                double v = value(m.group(3), line);
                if (m.group(2) == null) values.put(m.group(1), v);
            } else {
                throw new AssertionError("not a Prometheus text line: '" + line + "'");
            }
        }
        return values;
    }

    private static double value(String s, String line) {
        return switch (s) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new AssertionError("bad sample value in: " + line);
                }
            }
        };
    }
}
