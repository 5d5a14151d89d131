package dev.jmoe.host.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * {@code |tojson} as transformers defines it for chat templates: Python's {@code json.dumps} with
 * keys in insertion order, non-ASCII kept, separators {@code ", "} and {@code ": "} (or {@code ","}
 * between items with {@code indent=N}). Jinjava's own tojson writes compact JSON, which would change
 * the tool-definition text the model was trained on.
 */
final class PythonJsonFilter implements Filter {

    @Override
    public String getName() {
        return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        return filter(var, interpreter, args, Map.of());
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        Object indent = kwargs.getOrDefault("indent", args.length > 0 ? args[0] : null);
        int spaces = indent == null ? -1 : Integer.parseInt(String.valueOf(indent));
        StringBuilder out = new StringBuilder();
        write(out, var, spaces, 0);
        return out.toString();
    }

    static String dumps(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, -1, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object v, int indent, int depth) {
        switch (v) {
            case null -> out.append("null");
            case Boolean b -> out.append(b);
            case Integer _, Long _, Short _, Byte _, java.math.BigInteger _ -> out.append(v);
            case Number n -> out.append(pythonFloat(n.doubleValue()));
            case Map<?, ?> m -> writeMap(out, m, indent, depth);
            case Collection<?> c -> writeList(out, c.iterator(), c.isEmpty(), indent, depth);
            case Object[] a -> writeList(out, java.util.Arrays.asList(a).iterator(), a.length == 0, indent, depth);
            default -> writeString(out, String.valueOf(v));
        }
    }

    private static void writeMap(StringBuilder out, Map<?, ?> m, int indent, int depth) {
        if (m.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            separate(out, first, indent, depth + 1);
            first = false;
            writeString(out, String.valueOf(e.getKey()));
            out.append(": ");
            write(out, e.getValue(), indent, depth + 1);
        }
        newline(out, indent, depth);
        out.append('}');
    }

    private static void writeList(StringBuilder out, Iterator<?> items, boolean empty, int indent, int depth) {
        if (empty) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        while (items.hasNext()) {
            separate(out, first, indent, depth + 1);
            first = false;
            write(out, items.next(), indent, depth + 1);
        }
        newline(out, indent, depth);
        out.append(']');
    }

    private static void separate(StringBuilder out, boolean first, int indent, int depth) {
        if (!first) {
            out.append(indent < 0 ? ", " : ",");
        }
        newline(out, indent, depth);
    }

    private static void newline(StringBuilder out, int indent, int depth) {
        if (indent >= 0) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
    }

    private static void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Python's float repr for the common cases: integral values keep ".0". */
    private static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e16) {
            return (long) d + ".0";
        }
        return Double.toString(d);
    }
}
