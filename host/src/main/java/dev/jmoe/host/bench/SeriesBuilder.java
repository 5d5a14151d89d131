package dev.jmoe.host.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects (x, y) points under series names in first-seen order; each series comes out sorted by x. */
final class SeriesBuilder {
    private final Map<String, List<double[]>> points = new LinkedHashMap<>();

    void add(String series, double x, double y) {
        points.computeIfAbsent(series, k -> new ArrayList<>()).add(new double[] {x, y});
    }

    List<Plot.Series> build() {
        List<Plot.Series> out = new ArrayList<>();
        points.forEach((name, list) -> {
            double[][] sorted = list.toArray(double[][]::new);
            Arrays.sort(sorted, Comparator.comparingDouble(p -> p[0]));   // stable: equal x keep their order
            double[] x = new double[sorted.length], y = new double[sorted.length];
            for (int i = 0; i < sorted.length; i++) {
                x[i] = sorted[i][0];
                y[i] = sorted[i][1];
            }
            out.add(new Plot.Series(name, x, y));
        });
        return out;
    }

    boolean isEmpty() {
        return points.isEmpty();
    }
}
