package dev.ix.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ix.bench.load.LoadResult;
import dev.ix.bench.load.Percentiles;
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
        Histogram h = null;
        if (generator.startsWith("builtin")) {
            h = new Histogram(24L * 60 * 60 * 1_000_000, 3);
            h.recordValueWithCount(100, Math.round(rps));
        }
        LoadResult load = new LoadResult(generator, Math.round(rps), 0, 1,
                h == null ? Percentiles.NONE : Percentiles.of(h), h, null, 0.5, "0");
        return new RunResult(peer, repeat, 0, 64, 16, load, 0.01, 1e6 / rps, 1000, 1 << 20, 0.99, true, true, null);
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

        ResultWriter.write(dir, o, env, Summary.of(runs, "netty-epoll"), List.of());

        String md = Files.readString(dir.resolve("summary.md"));
        assertThat(md).contains("| ix | builtin/epoll | 1.10 [1.10–1.10] |",
                "cross-check ix ÷ netty-epoll, req/s, closed loop, 64 conns, pipeline 16: builtin/epoll 1.10",
                "90 % of its CPUs", "| load | builtin/epoll, CPUs 0");
        String json = Files.readString(dir.resolve("summary.json"));
        assertThat(json).contains("\"cross_check\": [", "\"agree\": true", "\"ratio_spread\"",
                "\"median_of_repeats\"", "\"server_pinned\": true", "\"generator\": \"wrk\"");
        assertThat(dir.resolve("ix-max-c64-p16.hgrm")).exists();
    }
}
