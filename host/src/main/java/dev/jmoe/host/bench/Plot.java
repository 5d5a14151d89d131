package dev.jmoe.host.bench;

import java.util.List;

/**
 * What a benchmark chart shows, independent of the library that draws it: a title and one or more
 * panels stacked top to bottom, each with axis titles and named series of (x, y) points. A panel
 * whose x axis has {@code categories} plots category {@code i} at x = i and labels it with the name.
 */
public record Plot(String title, List<Panel> panels) {
    public Plot {
        panels = List.copyOf(panels);
        if (panels.isEmpty()) throw new IllegalArgumentException("a plot needs at least one panel");
    }

    /**
     * @param lines whether a series' points are joined (false where the x positions are unrelated tests)
     */
    public record Panel(String title, String xTitle, String yTitle, List<String> categories, boolean lines, List<Series> series) {
        public Panel {
            categories = List.copyOf(categories);
            series = List.copyOf(series);
        }
    }

    /** One line of a panel: its legend name and its points, in x order. */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            if (x.length != y.length) throw new IllegalArgumentException(name + ": " + x.length + " x values but " + y.length + " y values");
            x = x.clone();
            y = y.clone();
        }

        @Override
        public double[] x() {
            return x.clone();
        }

        @Override
        public double[] y() {
            return y.clone();
        }
    }
}
