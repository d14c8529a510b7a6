package dev.ix.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ix.bench.load.LoadResult;
import dev.ix.bench.load.Percentiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The kv table: throughput within the p99 bound, the ratio to memcached, the cost step's figures. */
class KvReportTest {

    @Test
    void highestThroughputWithinTheBoundAndItsRatio() throws Exception {
        BenchOptions o = BenchOptions.parse(new String[] {"kv", "--workloads", "usr"}, Path.of("out"));
        List<RunResult> runs = new ArrayList<>();
        // Saturation 200 000 (memcached) and 100 000 (kv): the cost step is 55 % of the higher, 110 000.
        runs.add(run("memcached", 0, 200_000, 900, 0, Double.NaN));
        runs.add(run("kv", 0, 100_000, 900, 0, Double.NaN));
        runs.add(run("memcached", 110_000, 110_000, 120, 0, 3.5));
        runs.add(run("kv", 110_000, 100_000, 40_000, 0, 2.0));
        runs.add(run("memcached", 160_000, 160_000, 480, 0, Double.NaN));
        runs.add(run("kv", 50_000, 50_000, 90, 0, Double.NaN));
        // Within the bound but with errors: does not count.
        runs.add(run("memcached", 180_000, 180_000, 300, 5, Double.NaN));
        runs.add(run("memcached", 200_000, 190_000, 9_000, 0, Double.NaN));

        // mcload's sweep: memcached within the bound up to 120 000, kv up to 150 000 (its 170 000 step had errors).
        Map<String, List<McloadSweep.Point>> mcload = Map.of(
                "memcached", List.of(point(60_000, 60_000, 80, 0), point(120_000, 119_000, 450, 0),
                        point(180_000, 150_000, 20_000, 0)),
                "kv", List.of(point(60_000, 60_000, 60, 0), point(150_000, 150_000, 300, 0),
                        point(170_000, 170_000, 310, 2)));

        List<KvReport.Entry> entries = KvReport.entries("usr", Summary.of(runs, "memcached"), o,
                Map.of("memcached", 54_000.0), mcload);

        KvReport.Entry memcached = entries.stream().filter(e -> e.peer().equals("memcached")).findFirst()
                .orElseThrow();
        KvReport.Entry kv = entries.stream().filter(e -> e.peer().equals("kv")).findFirst().orElseThrow();
        assertThat(memcached.saturation()).isEqualTo(200_000);
        assertThat(memcached.sloRequestsPerSec()).isEqualTo(160_000);
        assertThat(memcached.sloP99Micros()).isBetween(470.0, 490.0);
        assertThat(memcached.costRate()).isEqualTo(110_000);
        assertThat(memcached.cpuMicrosPerRequest()).isEqualTo(3.5);
        assertThat(memcached.memcaslap()).isEqualTo(54_000);
        assertThat(kv.sloRequestsPerSec()).isEqualTo(50_000);
        assertThat(kv.cpuMicrosPerRequest()).isEqualTo(2.0);
        assertThat(kv.memcaslap()).isNaN();
        assertThat(KvReport.ratio(entries, kv, "memcached")).isEqualTo(50_000 / 160_000.0);
        assertThat(memcached.mcloadSloRequestsPerSec()).isEqualTo(119_000);
        assertThat(kv.mcloadSloRequestsPerSec()).isEqualTo(150_000);
        assertThat(kv.mcloadSloP99Micros()).isBetween(299.0, 301.0);
        assertThat(KvReport.mcloadRatio(entries, kv, "memcached")).isEqualTo(150_000 / 119_000.0);
        assertThat(KvReport.mcloadCurve("usr", new java.util.TreeMap<>(mcload))).contains(
                "| usr: offered req/s (mcload) | kv req/s | kv p99 µs | kv JIT ms | memcached req/s | memcached p99 µs"
                        + " | memcached JIT ms |",
                "| 170000 | 170000 | 310 (errors) | 12 | n/a | n/a | n/a |");

        String table = KvReport.markdown(entries, o, "builtin/epoll");
        assertThat(table).contains("req/s at p99 ≤ 500 µs", "| usr | kv | 100000 |", "| 0.31× |", "| 54000 |",
                "| 150000 | 300 | 1.26× |");
    }

    @Test
    void noStepWithinTheBoundSaysSo() throws Exception {
        BenchOptions o = BenchOptions.parse(new String[] {"kv", "--slo", "1ms"}, Path.of("out"));
        List<RunResult> runs = List.of(run("memcached", 0, 10_000, 900, 0, Double.NaN),
                run("memcached", 1_000, 1_000, 5_000, 0, Double.NaN));

        List<KvReport.Entry> entries = KvReport.entries("etc", Summary.of(runs, "memcached"), o, Map.of(), Map.of());

        assertThat(entries.getFirst().sloRequestsPerSec()).isNaN();
        assertThat(KvReport.markdown(entries, o, "builtin/epoll")).contains("p99 ≤ 1 ms", "none within");
    }

    private static McloadSweep.Point point(double rate, double rps, long p99, long errors) {
        Histogram h = new Histogram(600_000_000L, 3);
        h.recordValueWithCount(p99, 1000);
        return new McloadSweep.Point(rate, rps, h, errors, 12);
    }

    /** One repeat of one step: {@code rps} answered, every latency {@code p99} µs. */
    private static RunResult run(String peer, double rate, double rps, long p99, long errors, double cpu) {
        Histogram h = new Histogram(24L * 60 * 60 * 1_000_000, 3);
        h.recordValueWithCount(p99, 1000);
        LoadResult load = new LoadResult("builtin/epoll", Math.round(rps), errors, 1, Percentiles.of(h), h, null, 0.5,
                "0");
        return new RunResult(peer, 1, rate, 32, 4, load, Double.NaN, cpu, Double.NaN, Double.NaN, 1, 1.0, true, true,
                null, null);
    }
}
