package dev.ix.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ix.bench.load.LoadResult;
import dev.ix.bench.load.Percentiles;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CrossCheckTest {

    private static RunResult run(String peer, String generator, int repeat, double rps) {
        return run(peer, generator, repeat, rps, 1);
    }

    private static RunResult run(String peer, String generator, int repeat, double rps, int pipeline) {
        LoadResult load = new LoadResult(generator, Math.round(rps), 0, 1, Percentiles.NONE, null, null, 0.5, "0");
        return new RunResult(peer, repeat, 0, 64, pipeline, load,
                Double.NaN, 1e6 / rps, Double.NaN, 0, 1, 1.0, true, true, null, null);
    }

    private static List<RunResult> pair(String generator, double[] ixRps, double[] baseRps) {
        List<RunResult> runs = new ArrayList<>();
        for (int i = 0; i < ixRps.length; i++) {
            runs.add(run("ix", generator, i + 1, ixRps[i]));
            runs.add(run("base", generator, i + 1, baseRps[i]));
        }
        return runs;
    }

    @Test
    void ratiosWhoseRangesOverlapAgree() {
        List<RunResult> runs = pair("builtin/epoll", new double[]{110, 105, 100}, new double[]{100, 100, 100});
        runs.addAll(pair("wrk", new double[]{104, 98, 101}, new double[]{100, 100, 100}));

        List<CrossCheck.Comparison> c = CrossCheck.of(Summary.of(runs, "base"));

        assertThat(c).hasSize(2).allMatch(CrossCheck.Comparison::agree);
        assertThat(c.getFirst().metric()).isEqualTo(Metric.REQUESTS_PER_SEC);
        assertThat(c.getFirst().builtinName()).isEqualTo("builtin/epoll");
        assertThat(CrossCheck.text(Summary.of(runs, "base")))
                .contains("cross-check ix ÷ base, req/s, closed loop, 64 conns, pipeline 1: builtin/epoll 1.05"
                        + " [1.00–1.10], wrk 1.01 [0.98–1.04]: agree");
    }

    @Test
    void ratiosWhoseRangesAreApartDoNotAgreeAndTheReportSaysSo() {
        // An ix generator flattering ix: 1.9 against a neutral generator's 1.0.
        List<RunResult> runs = pair("builtin/ix", new double[]{190, 185, 195}, new double[]{100, 100, 100});
        runs.addAll(pair("wrk", new double[]{100, 99, 103}, new double[]{100, 100, 100}));

        Summary summary = Summary.of(runs, "base");

        assertThat(CrossCheck.of(summary)).noneMatch(CrossCheck.Comparison::agree);
        assertThat(CrossCheck.text(summary)).contains("builtin/ix 1.90").contains("DO NOT agree");
    }

    @Test
    void onlyRunsAtTheSamePipelineDepthAreSetSideBySide() {
        List<RunResult> runs = new ArrayList<>();
        for (int pipeline : new int[]{16, 1}) {
            runs.add(run("ix", "builtin/epoll", 1, pipeline * 10, pipeline));
            runs.add(run("base", "builtin/epoll", 1, pipeline * 10, pipeline));
            runs.add(run("ix", "wrk", 1, pipeline * 10, pipeline));
            runs.add(run("base", "wrk", 1, pipeline * 10, pipeline));
        }

        List<CrossCheck.Comparison> c = CrossCheck.of(Summary.of(runs, "base"));

        assertThat(c).hasSize(4).extracting(CrossCheck.Comparison::pipeline).containsExactly(16, 16, 1, 1);
    }

    @Test
    void nothingToCompareWithoutWrkRuns() {
        Summary summary = Summary.of(pair("builtin/epoll", new double[]{1}, new double[]{1}), "base");

        assertThat(CrossCheck.of(summary)).isEmpty();
        assertThat(CrossCheck.text(summary)).isEmpty();
    }
}
