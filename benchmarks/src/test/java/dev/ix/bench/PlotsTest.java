package dev.ix.bench;

import dev.ix.bench.load.LoadResult;
import dev.ix.bench.load.Percentiles;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlotsTest {

    private static RunResult run(String peer, double rate, double rps, long baseMicros) {
        Histogram h = new Histogram(3_600_000_000L, 3);
        for (int i = 1; i <= 10_000; i++) {
            h.recordValue(baseMicros + i % 100 + (i % 1000 == 0 ? 50 * baseMicros : 0));
        }
        LoadResult load = new LoadResult("builtin", Math.round(rps * 10), 0, 10, Percentiles.of(h), h, null, 0.5, "0");
        return new RunResult(peer, 1, rate, 64, 1, load, 0.05, 7, Double.NaN, 1000, 1 << 20, 1.0, true, true, null, null);
    }

    @Test
    void writesALatencyThroughputChartAndOneSpectrumPerStep(@TempDir Path dir) throws Exception {
        List<RunResult> runs = new ArrayList<>();
        for (String peer : List.of("ix", "netty-epoll")) {
            runs.add(run(peer, 0, 100_000, 300));
            runs.add(run(peer, 10_000, 10_000, 30));
            runs.add(run(peer, 50_000, 50_000, 60));
        }
        List<Path> files = Plots.write(dir, Summary.of(runs, "netty-epoll"), "plaintext");

        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly(
                "latency-throughput-c64.png", "spectrum-max-c64-p1.png", "spectrum-10000rps-c64-p1.png",
                "spectrum-50000rps-c64-p1.png");
        for (Path f : files) {
            byte[] head = Files.readAllBytes(f);
            assertThat(head).as("%s is a PNG", f).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        }
    }

    @Test
    void aLatencyBoundIsDrawnAcrossTheCurves() {
        List<RunResult> runs = List.of(run("kv", 10_000, 10_000, 30), run("kv", 50_000, 50_000, 60),
                run("memcached", 20_000, 20_000, 40));

        XYChart chart = Plots.latencyThroughput(Summary.of(runs, "memcached"), 64, "kv usr", 500);

        assertThat(chart.getSeriesMap()).containsKeys("kv", "memcached", "p99 bound, 500 µs");
        XYSeries bound = chart.getSeriesMap().get("p99 bound, 500 µs");
        assertThat(bound.getXData()).containsExactly(10_000.0, 50_000.0);
        assertThat(bound.getYData()).containsExactly(500.0, 500.0);
        assertThat(Plots.latencyThroughput(Summary.of(runs, "memcached"), 64, "kv usr", Double.NaN).getSeriesMap())
                .doesNotContainKey("p99 bound, 500 µs");
    }

    @Test
    void closedLoopOnlyHasNoLatencyThroughputChart(@TempDir Path dir) throws Exception {
        List<Path> files = Plots.write(dir, Summary.of(List.of(run("ix", 0, 1, 10)), "ix"), "json");
        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("spectrum-max-c64-p1.png");
    }
}
