package dev.ix.bench.load;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles of one load run, in microseconds. A value is {@code NaN} where the load generator did not
 * report it (wrk prints only p50/p75/p90/p99).
 */
public record Percentiles(double p50, double p90, double p99, double p999, double p9999, double max) {

    /** No percentile known. */
    public static final Percentiles NONE = new Percentiles(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN);

    /** @param micros a histogram of latencies recorded in microseconds */
    public static Percentiles of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return NONE;
        }
        return new Percentiles(micros.getValueAtPercentile(50), micros.getValueAtPercentile(90),
                micros.getValueAtPercentile(99), micros.getValueAtPercentile(99.9),
                micros.getValueAtPercentile(99.99), micros.getMaxValue());
    }
}
