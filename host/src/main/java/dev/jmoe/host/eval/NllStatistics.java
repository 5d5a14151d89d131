package dev.jmoe.host.eval;

/**
 * Running sums of per-token negative log-likelihoods: perplexity is exp(mean NLL), and its uncertainty is
 * the standard error of that mean carried through the exponential (d exp(m) = exp(m) dm), as
 * llama-perplexity reports it.
 */
public final class NllStatistics {
    private double sum;
    private double sumOfSquares;
    private long count;

    public void add(double nll) {
        sum += nll;
        sumOfSquares += nll * nll;
        count++;
    }

    public long count() {
        return count;
    }

    public double meanNll() {
        if (count == 0) throw new IllegalStateException("no tokens scored yet");
        return sum / count;
    }

    public double perplexity() {
        return Math.exp(meanNll());
    }

    /** exp(mean) × standard error of the mean (0 with fewer than two tokens). */
    public double perplexityError() {
        if (count < 2) return 0;
        double mean = meanNll();
        double variance = Math.max(0, sumOfSquares / count - mean * mean);
        return perplexity() * Math.sqrt(variance / (count - 1));
    }

    /** -log softmax(logits)[target], from the row {@code row} of a [rows][vocab] logits array, in double precision. */
    public static double nll(float[] logits, int row, int vocab, int target) {
        int base = row * vocab;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) max = Math.max(max, logits[base + i]);
        double sumExp = 0;
        for (int i = 0; i < vocab; i++) sumExp += Math.exp(logits[base + i] - max);
        return Math.log(sumExp) - (logits[base + target] - max);
    }
}
