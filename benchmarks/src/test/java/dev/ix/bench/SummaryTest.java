package dev.ix.bench;

import dev.ix.bench.load.LoadResult;
import dev.ix.bench.load.Percentiles;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SummaryTest {

    private static RunResult run(String peer, int repeat, double rps, double p99, double cpu, double generatorCpu) {
        LoadResult load = new LoadResult("builtin", Math.round(rps * 10), 0, 10,
                new Percentiles(p99 / 2, p99 / 1.5, p99, p99 * 2, p99 * 3, p99 * 4), null, null, generatorCpu, "0");
        return new RunResult(peer, repeat, 0, 64, load, Double.NaN, cpu, 0, 100 << 20, true, true);
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
        assertThat(rps.median()).isEqualTo(150_000);
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
