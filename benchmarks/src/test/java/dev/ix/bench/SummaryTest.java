package dev.ix.bench;

import dev.ix.bench.load.LoadResult;
import dev.ix.bench.load.Percentiles;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SummaryTest {

    private static RunResult run(String peer, int repeat, double rps, double p99, double cpu, double generatorCpu) {
        LoadResult load = new LoadResult("builtin", Math.round(rps * 10), 0, 10,
                new Percentiles(p99 / 2, p99 / 1.5, p99, p99 * 2, p99 * 3, p99 * 4), null, null, generatorCpu, "0");
        return new RunResult(peer, repeat, 0, 64, 1, load,
                Double.NaN, cpu, Double.NaN, 0, 100 << 20, 1.0, true, true, null, null);
    }

    @Test
    void mediansSpreadsAndPerRepeatRatios() {
        List<RunResult> runs = new ArrayList<>();
        // The machine drifts: repeat 3 is slow for both peers. Per-repeat ratios cancel the drift.
        runs.add(run("base", 1, 100_000, 100, 10, 0.5));
        runs.add(run("ix", 1, 150_000, 50, 6, 0.5));
        runs.add(run("base", 2, 110_000, 90, 10, 0.5));
        runs.add(run("ix", 2, 165_000, 45, 6, 0.5));
        runs.add(run("base", 3, 50_000, 200, 20, 0.5));
        runs.add(run("ix", 3, 75_000, 100, 12, 0.5));
        Summary s = Summary.of(runs, "base");

        assertThat(s.rows()).extracting(Summary.Row::peer).containsExactly("base", "ix");
        Summary.Row ix = s.rows().get(1);
        Summary.Stat rps = ix.stat(Metric.REQUESTS_PER_SEC);
        assertThat(rps.value()).isEqualTo(150_000);
        assertThat(rps.min()).isEqualTo(75_000);
        assertThat(rps.max()).isEqualTo(165_000);
        assertThat(rps.ratio()).isCloseTo(1.5, within(1e-9));
        assertThat(ix.stat(Metric.P99_US).ratio()).isCloseTo(0.5, within(1e-9));
        assertThat(ix.stat(Metric.CPU_US_PER_REQUEST).ratio()).isCloseTo(0.6, within(1e-9));
        assertThat(ix.stat(Metric.SYSCALLS_PER_REQUEST)).isEqualTo(Summary.Stat.NONE);
        assertThat(s.rows().getFirst().stat(Metric.REQUESTS_PER_SEC).ratio()).isEqualTo(1.0);
        assertThat(ix.generatorBound()).isFalse();
    }

    @Test
    void aRowIsGeneratorBoundWhenMostRepeatsSaturatedTheGenerator() {
        Summary s = Summary.of(List.of(run("ix", 1, 1, 1, 1, 0.95), run("ix", 2, 1, 1, 1, 0.97),
                run("ix", 3, 1, 1, 1, 0.4)), "ix");
        Summary.Row row = s.rows().getFirst();
        assertThat(row.generatorBoundRepeats()).isEqualTo(2);
        assertThat(row.generatorBound()).isTrue();
        assertThat(new ResultTable(s).text()).contains("generator-bound 2/3");
    }

    @Test
    void ratiosShowTheirSpreadOverTheRepeats() {
        Summary s = Summary.of(List.of(run("base", 1, 100, 1, 10, 0.5), run("ix", 1, 120, 1, 8, 0.5),
                run("base", 2, 100, 1, 10, 0.5), run("ix", 2, 90, 1, 11, 0.5),
                run("base", 3, 100, 1, 10, 0.5), run("ix", 3, 105, 1, 9, 0.5)), "base");
        Summary.Stat rps = s.rows().get(1).stat(Metric.REQUESTS_PER_SEC);

        assertThat(rps.ratio()).isCloseTo(1.05, within(1e-9));
        assertThat(rps.ratioMin()).isCloseTo(0.9, within(1e-9));
        assertThat(rps.ratioMax()).isCloseTo(1.2, within(1e-9));
        assertThat(new ResultTable(s).text()).contains("1.05 [0.90–1.20]");
    }

    /**
     * One repeat with a 10 ms tail on 2 % of its requests and one without: the p99 of all 2000 requests together is
     * the fast one (20 are slow, exactly 1 %), where the median of the two per-repeat p99s (100 µs and 10 ms) is half
     * way to the tail, a latency no request had.
     */
    @Test
    void percentilesAreThoseOfTheMergedHistograms() {
        Histogram fast = histogram();
        fast.recordValueWithCount(100, 1000);
        Histogram tail = histogram();
        tail.recordValueWithCount(100, 980);
        tail.recordValueWithCount(10_000, 20);
        Summary s = Summary.of(List.of(withHistogram("ix", 1, fast), withHistogram("ix", 2, tail)), "ix");
        Summary.Stat p99 = s.rows().getFirst().stat(Metric.P99_US);

        assertThat(p99.value()).isCloseTo(100, within(1.0));
        assertThat(p99.medianOfRepeats()).as("the labelled extra").isGreaterThan(4000);
        assertThat(p99.max()).isGreaterThanOrEqualTo(9990);
    }

    @Test
    void aRatioAgainstAGeneratorBoundBaselineIsFlaggedNotQuotedAsAWin() {
        Summary s = Summary.of(List.of(run("base", 1, 100, 1, 10, 0.95), run("ix", 1, 130, 1, 8, 0.5),
                run("base", 2, 100, 1, 10, 0.5), run("ix", 2, 120, 1, 8, 0.5)), "base");
        Summary.Row ix = s.rows().get(1);

        assertThat(ix.baselineBoundRepeats()).isEqualTo(1);
        assertThat(ix.generatorBoundRepeats()).isZero();
        assertThat(new ResultTable(s).text()).contains("1.25* [1.20–1.30]").contains("* base generator-bound 1/2");
    }

    private static RunResult withHistogram(String peer, int repeat, Histogram h) {
        LoadResult load = new LoadResult("builtin/epoll", h.getTotalCount(), 0, 1, Percentiles.of(h), h, null, 0.5,
                "0");
        return new RunResult(peer, repeat, 0, 64, 1, load, Double.NaN, 1, Double.NaN, 0, 1, 1.0, true, true, null, null);
    }

    /** A histogram as the generator keeps one: µs up to a day, 3 digits. */
    private static Histogram histogram() {
        return new Histogram(24L * 60 * 60 * 1_000_000, 3);
    }

    /**
     * In closed loop either the server or the generator is the limit; a run where neither kept its CPUs 90 % busy
     * shared them with something else, and says so. An open-loop run leaves both idle by design.
     */
    @Test
    void aClosedLoopRunInWhichNeitherSideWasTheLimitIsMarkedContended() {
        List<RunResult> runs = List.of(shared("ix", 1, 0, 0.99, 0.6), shared("ix", 2, 0, 0.41, 0.3),
                shared("ix", 3, 0, 0.5, 0.95), shared("ix", 1, 20_000, 0.2, 0.1));

        Summary s = Summary.of(runs, "ix");

        assertThat(s.rows().getFirst().contendedRepeats()).isEqualTo(1);
        assertThat(s.rows().get(1).contendedRepeats()).as("open loop").isZero();
        assertThat(new ResultTable(s).text()).contains("generator-bound 1/3, neither bound 1/3");
    }

    private static RunResult shared(String peer, int repeat, double rate, double serverShare, double generatorCpu) {
        LoadResult load = new LoadResult("builtin/epoll", 1000, 0, 1, Percentiles.NONE, null, null, generatorCpu,
                "0");
        return new RunResult(peer, repeat, rate, 64, 1, load,
                Double.NaN, 1, Double.NaN, 0, 1, serverShare, true, true, null, null);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(Summary.median(new double[]{4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(Summary.median(new double[]{7})).isEqualTo(7);
        assertThat(Summary.median(new double[0])).isNaN();
    }

    @Test
    void jsonWritesNullForWhatWasNotMeasuredAndEscapesStrings() {
        String json = new Json().beginObject().field("a", Double.NaN).field("b", 1.5).field("c", 3)
                .field("d", "q\"\n").key("e").beginArray().number(0.0029).endArray().key("f").beginObject()
                .endObject().endObject().toString();
        assertThat(json).isEqualTo("""
                {
                  "a": null,
                  "b": 1.5,
                  "c": 3,
                  "d": "q\\"\\n",
                  "e": [
                    0.0029
                  ],
                  "f": {}
                }
                """);
    }
}
