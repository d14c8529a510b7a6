package dev.ix.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ix.bench.load.LoadResult;
import dev.ix.bench.load.Percentiles;
import dev.ix.bench.measure.GcCounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results directory of a cross-checked run, written end to end: every part a reader opens. */
class ResultWriterTest {

    private static RunResult run(String peer, String generator, int repeat, double rps) {
        return run(peer, generator, repeat, 0, rps, null);
    }

    private static RunResult run(String peer, String generator, int repeat, double rate, double rps, GcCounts gc) {
        Histogram h = null;
        if (generator.startsWith("builtin")) {
            h = new Histogram(24L * 60 * 60 * 1_000_000, 3);
            h.recordValueWithCount(100, Math.round(rps));
        }
        LoadResult load = new LoadResult(generator, Math.round(rps), 0, 1,
                h == null ? Percentiles.NONE : Percentiles.of(h), h, null, 0.5, "0");
        return new RunResult(peer, repeat, rate, 64, 16, load,
                0.01, 1e6 / rps, Double.NaN, 1000, 1 << 20, 0.99, true, true, gc, null);
    }

    @Test
    void writesTheHeadlineTheTableTheCrossCheckAndTheJson(@TempDir Path dir) throws Exception {
        BenchOptions o = BenchOptions.parse(new String[]{"--peers", "ix,netty-epoll", "--pipeline", "16",
                "--cross-check", "--repeats", "2"}, dir);
        List<RunResult> runs = new ArrayList<>();
        for (int repeat = 1; repeat <= 2; repeat++) {
            for (String generator : List.of("builtin/epoll", "wrk")) {
                runs.add(run("ix", generator, repeat, 110_000));
                runs.add(run("netty-epoll", generator, repeat, 100_000));
            }
        }
        ResultWriter.Environment env = new ResultWriter.Environment("2026-12-04T00:00Z", "25", "6.18", "cpu",
                o.generatorLabel());

        ResultWriter.write(dir, o, env, Summary.of(runs, "netty-epoll"), List.of(), List.of());

        String md = Files.readString(dir.resolve("summary.md"));
        assertThat(md).contains("| ix | builtin/epoll | 1.10 [1.10–1.10] |",
                "cross-check ix ÷ netty-epoll, req/s, closed loop, 64 conns, pipeline 16: builtin/epoll 1.10",
                "90 % of its CPUs", "| load | builtin/epoll, CPUs 0");
        String json = Files.readString(dir.resolve("summary.json"));
        assertThat(json).contains("\"cross_check\": [", "\"agree\": true", "\"ratio_spread\"",
                "\"median_of_repeats\"", "\"server_pinned\": true", "\"generator\": \"wrk\"");
        assertThat(dir.resolve("ix-max-c64-p16.hgrm")).exists();
    }

    @Test
    void givesEachJvmsCollectionsInTheWindowAndWhatARelativeRateWas(@TempDir Path dir) throws Exception {
        BenchOptions o = BenchOptions.parse(new String[]{"--peers", "ix-http,nginx", "--baseline", "ix-http",
                "--pipeline", "16", "--rate", "50%:ix-http", "--repeats", "1"}, dir);
        List<RunResult> runs = List.of(
                run("ix-http", "builtin/epoll", 1, 0, 400_000, new GcCounts(40, 0, 80_000_000L)),
                run("ix-http", "builtin/epoll", 1, 200_000, 200_000, new GcCounts(3, 1, 12_500_000L)),
                run("nginx", "builtin/epoll", 1, 200_000, 200_000, null));
        BenchRunner.RelativeStep step = new BenchRunner.RelativeStep(o.relativeRates().getFirst(), 64, 16, 400_000,
                200_000);
        ResultWriter.Environment env = new ResultWriter.Environment("2026-12-04T00:00Z", "25", "6.18", "cpu",
                o.generatorLabel());

        ResultWriter.write(dir, o, env, Summary.of(runs, "ix-http"), List.of(), List.of(step));

        String md = Files.readString(dir.resolve("summary.md"));
        assertThat(md).contains("| young GCs | GC pause ms |", "| 1000 | 3 | 12.5 | 1 | old GCs 1 (max 1) |",
                "| 1000 | n/a | n/a | 1 |",
                "- rate 50%:ix-http at 64 conns, pipeline 16: 200000 req/s (ix-http's median closed-loop req/s:"
                        + " 400000)");
        String json = Files.readString(dir.resolve("summary.json"));
        assertThat(json).contains("\"young_gcs\": 3", "\"old_gcs\": 1", "\"gc_pause_ms\": 12.5",
                "\"young_gcs\": null", "\"rate\": \"50%:ix-http\"", "\"saturation_requests_per_sec\": 400000",
                "\"offered_requests_per_sec\": 200000");
    }
}
