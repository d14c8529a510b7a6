package dev.ix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The generator-bound rule: CPU over the window per CPU the generator owns. */
class LoadResultTest {

    private static LoadResult run(double cores, String cpus) {
        return new LoadResult("builtin/epoll", 1000, 0, 1, Percentiles.NONE, null, null, cores, cpus);
    }

    @Test
    void aGeneratorIsBoundWhenItKeepsEachOfItsCpusNinetyPercentBusy() {
        assertThat(run(0.95, "0").generatorBound()).isTrue();
        assertThat(run(0.89, "0").generatorBound()).isFalse();
        assertThat(run(1.85, "0-1").generatorBound()).isTrue();
        assertThat(run(1.85, "0,2,4").generatorBound()).isFalse();
    }

    @Test
    void oneBusyThreadOnTwoCpusIsNotTheLimitOfTwoCpus() {
        // Half of what it owns: the rule is per CPU owned, not per thread.
        assertThat(run(0.97, "0-1").generatorBound()).isFalse();
    }

    @Test
    void unknownUsageIsNeverBound() {
        assertThat(run(Double.NaN, "0").generatorBound()).isFalse();
        assertThat(run(1.0, null).generatorBound()).isFalse();
    }
}
