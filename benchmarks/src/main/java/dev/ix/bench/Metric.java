package dev.ix.bench;

import dev.ix.bench.load.LoadResult;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/** A number the harness reports per peer: its JSON key, its column heading and where it comes from. */
enum Metric {
    REQUESTS_PER_SEC("requests_per_sec", "req/s", true, r -> r.load().requestsPerSecond()),
    P50_US("p50_us", "p50 µs", r -> r.load().latency().p50(), LoadResult::histogram, 50),
    P90_US("p90_us", "p90 µs", r -> r.load().latency().p90(), LoadResult::histogram, 90),
    P99_US("p99_us", "p99 µs", r -> r.load().latency().p99(), LoadResult::histogram, 99),
    P999_US("p999_us", "p99.9 µs", r -> r.load().latency().p999(), LoadResult::histogram, 99.9),
    P9999_US("p9999_us", "p99.99 µs", r -> r.load().latency().p9999(), LoadResult::histogram, 99.99),
    MAX_US("max_us", "max µs", r -> r.load().latency().max(), LoadResult::histogram, 100),
    SEND_LAG_P99_US("send_lag_p99_us", "lag p99 µs", r -> percentile(r.load().sendLag(), 99), LoadResult::sendLag,
            99),
    ERRORS("errors", "errors", false, r -> r.load().errors()),
    SYSCALLS_PER_REQUEST("syscalls_per_request", "syscalls/req", false, RunResult::syscallsPerRequest),
    CPU_US_PER_REQUEST("cpu_us_per_request", "cpu µs/req", false, RunResult::cpuMicrosPerRequest),
    USER_US_PER_REQUEST("user_us_per_request", "user µs/req", false, RunResult::userMicrosPerRequest),
    ALLOC_BYTES_PER_REQUEST("alloc_bytes_per_request", "alloc B/req", false, RunResult::allocBytesPerRequest),
    YOUNG_GCS("young_gcs", "young GCs", false, RunResult::youngGcs),
    OLD_GCS("old_gcs", "old GCs", false, RunResult::oldGcs),
    GC_PAUSE_MS("gc_pause_ms", "GC pause ms", false, RunResult::gcPauseMillis),
    JIT_MS("jit_ms", "JIT ms", false, RunResult::jitMillis),
    RSS_BYTES("rss_bytes", "RSS MiB", false, RunResult::rssBytes),
    GENERATOR_CPU("generator_cpu", "gen cores", false, r -> r.load().generatorCpu());

    final String key;
    final String heading;
    /** Whether a larger value is better (for reading ratios). */
    final boolean higherIsBetter;
    private final ToDoubleFunction<RunResult> value;
    /** For a percentile of a histogram: which histogram of a run; null for the other metrics. */
    private final Function<LoadResult, Histogram> histogram;
    /** For a percentile of a histogram: which percentile, 0..100 (100 = the maximum). */
    private final double percentile;

    Metric(String key, String heading, boolean higherIsBetter, ToDoubleFunction<RunResult> value) {
        this.key = key;
        this.heading = heading;
        this.higherIsBetter = higherIsBetter;
        this.value = value;
        this.histogram = null;
        this.percentile = Double.NaN;
    }

    Metric(String key, String heading, ToDoubleFunction<RunResult> value, Function<LoadResult, Histogram> histogram,
           double percentile) {
        this.key = key;
        this.heading = heading;
        this.higherIsBetter = false;
        this.value = value;
        this.histogram = histogram;
        this.percentile = percentile;
    }

    /**
     * The percentile over all the runs' histograms added together (HdrHistogram merge), which is what a percentile
     * of several repeats means; the median of the per-repeat percentiles is not a percentile of anything.
     *
     * @return the percentile in µs; NaN if this is not a percentile metric, or a run has no histogram (wrk)
     */
    double merged(List<RunResult> runs) {
        return histogram == null ? Double.NaN : percentile(merge(runs, histogram), percentile);
    }

    /** @return the runs' histograms ({@code which}) added together, a new one; null if none or a run has none */
    static Histogram merge(List<RunResult> runs, Function<LoadResult, Histogram> which) {
        Histogram merged = null;
        for (RunResult run : runs) {
            Histogram h = which.apply(run.load());
            if (h == null) {
                return null;
            }
            if (merged == null) {
                merged = h.copy();
            } else {
                merged.add(h);
            }
        }
        return merged;
    }

    private static double percentile(Histogram h, double percentile) {
        return h == null || h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile);
    }

    /** @return this metric of one run, {@code NaN} when not measured */
    double of(RunResult run) {
        return value.applyAsDouble(run);
    }
}
