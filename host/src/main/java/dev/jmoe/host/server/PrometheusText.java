package dev.jmoe.host.server;

import java.util.Locale;

/** Writes metrics in the Prometheus text exposition format (version 0.0.4): HELP, TYPE, then the sample. */
public final class PrometheusText {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder();

    public PrometheusText counter(String name, String help, double value) {
        return metric(name, "counter", help, value);
    }

    public PrometheusText gauge(String name, String help, double value) {
        return metric(name, "gauge", help, value);
    }

    private PrometheusText metric(String name, String type, String help, double value) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append(name).append(' ').append(format(value)).append('\n');
        return this;
    }

    private static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.6g", v);
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
