package dev.jmoe.host.bench;

/** Mean and sample standard deviation (n - 1 in the denominator, as llama-bench reports). */
public record SampleStats(double mean, double stddev) {
    public static SampleStats of(double[] samples) {
        if (samples.length == 0) throw new IllegalArgumentException("no samples");
        double sum = 0;
        for (double s : samples) sum += s;
        double mean = sum / samples.length;
        if (samples.length == 1) return new SampleStats(mean, 0);
        double squares = 0;
        for (double s : samples) squares += (s - mean) * (s - mean);
        return new SampleStats(mean, Math.sqrt(squares / (samples.length - 1)));
    }
}
