package dev.ix.bench;

import java.util.function.ToDoubleFunction;

/** A number the harness reports per peer: its JSON key, its column heading and where it comes from. */
enum Metric {
    REQUESTS_PER_SEC("requests_per_sec", "req/s", true, r -> r.load().requestsPerSecond()),
    P50_US("p50_us", "p50 µs", false, r -> r.load().latency().p50()),
    P90_US("p90_us", "p90 µs", false, r -> r.load().latency().p90()),
    P99_US("p99_us", "p99 µs", false, r -> r.load().latency().p99()),
    P999_US("p999_us", "p99.9 µs", false, r -> r.load().latency().p999()),
    P9999_US("p9999_us", "p99.99 µs", false, r -> r.load().latency().p9999()),
    MAX_US("max_us", "max µs", false, r -> r.load().latency().max()),
    SEND_LAG_P99_US("send_lag_p99_us", "lag p99 µs", false,
            r -> r.load().sendLag() == null || r.load().sendLag().getTotalCount() == 0 ? Double.NaN
                    : r.load().sendLag().getValueAtPercentile(99)),
    ERRORS("errors", "errors", false, r -> r.load().errors()),
    SYSCALLS_PER_REQUEST("syscalls_per_request", "syscalls/req", false, RunResult::syscallsPerRequest),
    CPU_US_PER_REQUEST("cpu_us_per_request", "cpu µs/req", false, RunResult::cpuMicrosPerRequest),
    ALLOC_BYTES_PER_REQUEST("alloc_bytes_per_request", "alloc B/req", false, RunResult::allocBytesPerRequest),
    RSS_BYTES("rss_bytes", "RSS MiB", false, RunResult::rssBytes),
    GENERATOR_CPU("generator_cpu", "gen cores", false, r -> r.load().generatorCpu());

    final String key;
    final String heading;
    /** Whether a larger value is better (for reading ratios). */
    final boolean higherIsBetter;
    private final ToDoubleFunction<RunResult> value;

    Metric(String key, String heading, boolean higherIsBetter, ToDoubleFunction<RunResult> value) {
        this.key = key;
        this.heading = heading;
        this.higherIsBetter = higherIsBetter;
        this.value = value;
    }

    /** @return this metric of one run, {@code NaN} when not measured */
    double of(RunResult run) {
        return value.applyAsDouble(run);
    }
}
