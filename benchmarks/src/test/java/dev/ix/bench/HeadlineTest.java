package dev.ix.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ix.bench.load.LoadResult;
import dev.ix.bench.load.Percentiles;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeadlineTest {

    private static RunResult run(String peer, int repeat, double rate, int pipeline, double rps, double cpu,
                                 double generatorCores) {
        LoadResult load = new LoadResult("builtin/epoll", Math.round(rps), 0, 1, Percentiles.NONE, null, null,
                generatorCores, "0");
        return new RunResult(peer, repeat, rate, 64, pipeline, load,
                Double.NaN, cpu, Double.NaN, 0, 1, 1.0, true, true, null, null);
    }

    @Test
    void quotesThePipelinedThroughputTheCostAtEachRateAndTheGeneratorBoundSteps() {
        List<RunResult> runs = new ArrayList<>();
        for (int repeat = 1; repeat <= 2; repeat++) {
            runs.add(run("ix", repeat, 0, 16, 600_000, 1.5, 0.6));
            runs.add(run("netty-epoll", repeat, 0, 16, 500_000, 2.0, 0.6));
            runs.add(run("ix", repeat, 0, 1, 100_000, 7, 0.95));
            runs.add(run("netty-epoll", repeat, 0, 1, 100_000, 7, 0.95));
            runs.add(run("ix", repeat, 20_000, 16, 20_000, 18, 0.2));
            runs.add(run("netty-epoll", repeat, 20_000, 16, 20_000, 20, 0.2));
        }

        String headline = Headline.markdown(Summary.of(runs, "netty-epoll"), "builtin/epoll");

        assertThat(headline).contains(
                "| peer ÷ netty-epoll | generator | req/s, closed loop, 64 conns, pipeline 16"
                        + " | cpu µs/req at 20000 req/s |",
                "| ix | builtin/epoll | 1.20 [1.20–1.20] | 0.90 [0.90–0.90] |",
                "Generator-bound runs (the generator, not the server, was the limit): ix (builtin/epoll, max req/s,"
                        + " pipeline 1) 2/2; netty-epoll (builtin/epoll, max req/s, pipeline 1) 2/2.");
        assertThat(headline.lines().filter(l -> l.startsWith("| ix"))).hasSize(1);
    }

    @Test
    void nothingToQuoteWithTheBaselineAlone() {
        assertThat(Headline.markdown(Summary.of(List.of(run("netty-epoll", 1, 0, 16, 1, 1, 0.1)), "netty-epoll"),
                "builtin/epoll")).isEmpty();
    }
}
