package dev.jmoe.cuda.staging;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Time intervals on one timeline (milliseconds from a common origin), e.g. when the copy stream was busy.
 * Overlapping intervals count once: {@link #busy()} is the length of their union.
 */
final class BusyIntervals {
    private final List<double[]> intervals = new ArrayList<>();

    void add(double start, double end) {
        if (!(end >= start)) throw new IllegalArgumentException("interval ends before it starts: " + start + ".." + end);
        intervals.add(new double[] {start, end});
    }

    boolean isEmpty() {
        return intervals.isEmpty();
    }

    /** Length of the union. */
    double busy() {
        double total = 0;
        for (double[] r : union()) total += r[1] - r[0];
        return total;
    }

    /** Length of the time both this and {@code other} are busy. */
    double overlap(BusyIntervals other) {
        List<double[]> a = union();
        List<double[]> b = other.union();
        double total = 0;
        int i = 0;
        int j = 0;
        while (i < a.size() && j < b.size()) {
            double lo = Math.max(a.get(i)[0], b.get(j)[0]);
            double hi = Math.min(a.get(i)[1], b.get(j)[1]);
            if (hi > lo) total += hi - lo;
            if (a.get(i)[1] < b.get(j)[1]) i++;
            else j++;
        }
        return total;
    }

    /** Sorted, disjoint. */
    private List<double[]> union() {
        List<double[]> sorted = new ArrayList<>(intervals);
        sorted.sort(Comparator.comparingDouble(r -> r[0]));
        List<double[]> out = new ArrayList<>();
        for (double[] r : sorted) {
            if (!out.isEmpty() && r[0] <= out.getLast()[1]) {
                out.getLast()[1] = Math.max(out.getLast()[1], r[1]);
            } else {
                out.add(new double[] {r[0], r[1]});
            }
        }
        return out;
    }
}
