package dev.ix.bench.scale;

import dev.ix.bench.load.Percentiles;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class ScaleReportTest {

    private static ScaleResult result(String transport, int idle, long rss, long heap, double p99, double cpu) {
        return new ScaleResult(transport, idle, idle, 2.5, Map.of(), rss, OptionalLong.of(heap),
                OptionalLong.of(idle * 9000L), idle, new Percentiles(80, 90, p99, 2 * p99, 3 * p99, 4 * p99), 64_000,
                64_000, cpu, 0.02, 0, "");
    }

    private static final ScaleResult IX = result("ix", 10_000, 20_480_000, 10_000_000, 500, 12.5);
    private static final ScaleResult EPOLL = result("epoll", 10_000, 10_240_000, 12_000_000, 1000, 10);

    @Test
    void tabulatesMemoryPerConnectionAndLatency() {
        String table = ScaleReport.table(List.of(IX, EPOLL));
        assertThat(table).startsWith(ScaleReport.TABLE_HEADER);
        assertThat(table.lines().toList()).hasSize(4).element(2).isEqualTo(
                "| 10000 | ix | 10000 | 2.5 | 4000 | 2048 | 1000 | 2.98 | 9000 | 80.0 | 500 | 1000 | 2000 | 64000"
                        + " | 12.5 |  |");
        assertThat(table.lines().toList().get(3))
                .startsWith("| 10000 | epoll | 10000 | 2.5 | 4000 | 1024 | 1200 | 2.17 |");
    }

    @Test
    void ratiosAreAgainstTheBaselineOfTheSameStep() {
        ScaleResult otherStep = result("ix", 50_000, 1, 1, 1, 1);
        String ratios = ScaleReport.ratios(List.of(IX, EPOLL, otherStep), "epoll").orElseThrow();
        assertThat(ratios).startsWith(ScaleReport.RATIO_HEADER);
        assertThat(ratios.lines().toList()).hasSize(3).last()
                .isEqualTo("| 10000 | ix ÷ epoll | 1.37 | 1.00 | 1.00 | 0.50 | 0.50 | 1.25 | 1.00 |");
        assertThat(ScaleReport.ratios(List.of(IX), "epoll")).isEmpty();
        ScaleResult skipped = new ScaleResult("ix", 100_000, 0, 0, Map.of(), 0, OptionalLong.empty(),
                OptionalLong.empty(), 0, Percentiles.NONE, 0, 0, Double.NaN, Double.NaN, 0, "skipped");
        assertThat(ScaleReport.ratios(List.of(skipped, result("epoll", 100_000, 1, 1, 1, 1)), "epoll")).isEmpty();
    }

    @Test
    void writesNotApplicableWhereNothingWasMeasured() {
        ScaleResult none = new ScaleResult("ix", 0, 0, 0, Map.of(), 0, OptionalLong.empty(), OptionalLong.empty(), 0,
                Percentiles.NONE, 0, 0, Double.NaN, Double.NaN, 0, "failed: the server exited");
        assertThat(ScaleReport.table(List.of(none)).lines().toList().get(2)).isEqualTo(
                "| 0 | ix | 0 | - | n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a | 0 | n/a"
                        + " | failed: the server exited |");
        assertThat(ScaleReport.csv(List.of(none)).lines().toList().get(1))
                .isEqualTo("0,ix,0,0,0,0,,,0,,,,,,,,,0,0,,,0,\"failed: the server exited\"");
    }

    @Test
    void remarksNameFailuresDropsLostMessagesAndOtherProgramsCpu() {
        ScaleResult r = new ScaleResult("epoll", 100_000, 90_000, 30, Map.of(ConnectError.TOO_MANY_FILES, 10_000), 0,
                OptionalLong.empty(), OptionalLong.empty(), 0, Percentiles.NONE, 100, 97, 5, 0.85, 3, "x");
        assertThat(r.failed()).isEqualTo(10_000);
        assertThat(r.remarks())
                .isEqualTo("10000 EMFILE/ENFILE; 3 dropped; 3 unanswered; other programs used 0.85 cores; x");
        assertThat(ScaleReport.csv(List.of(r)).lines().toList().get(1)).endsWith(
                ",5,0.85,3,\"10000 EMFILE/ENFILE; 3 dropped; 3 unanswered; other programs used 0.85 cores; x\"");
    }

    @Test
    void csvHasOneLinePerResultWithRawFigures() {
        List<String> lines = ScaleReport.csv(List.of(IX, EPOLL)).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo(ScaleReport.CSV_HEADER.strip());
        assertThat(lines.get(1)).isEqualTo("10000,ix,10000,0,2.5,20480000,10000000,90000000,10000,2048,1000,9000,"
                + "80,90,500,1000,2000,64000,64000,12.5,0.02,0,");
    }

    @Test
    void marginalMemoryIsTheGrowthBetweenStepsPerFurtherConnection() {
        ScaleResult ixBig = result("ix", 18_000, 20_480_000 + 8000 * 640L, 10_000_000 + 8000 * 1100L, 1, 1);
        ScaleResult epollBig = result("epoll", 18_000, 10_240_000 + 8000 * 300L, 12_000_000 + 8000 * 1280L, 1, 1);
        String marginal = ScaleReport.marginal(List.of(IX, EPOLL, ixBig, epollBig)).orElseThrow();
        assertThat(marginal.lines().toList()).containsExactly(
                ScaleReport.MARGINAL_HEADER.lines().toList().get(0),
                ScaleReport.MARGINAL_HEADER.lines().toList().get(1),
                "| ix | 10000 → 18000 | 640 | 1100 | 1.70 | 9000 |",
                "| epoll | 10000 → 18000 | 300 | 1280 | 1.54 | 9000 |");
        assertThat(ScaleReport.marginal(List.of(IX, EPOLL))).isEmpty();
    }

    @Test
    void sumsAStepUpInOneLine() {
        assertThat(ScaleReport.line(IX)).isEqualTo("ix 10000 idle: 10000 open in 2.5 s, RSS 2048 B/conn, heap 1000"
                + " B/conn, kernel 9000 B/pair, p50/p99/p99.9 80.0/500/1000 µs");
        ScaleResult dropped = new ScaleResult("epoll", 10, 10, 1, Map.of(), 0, OptionalLong.empty(),
                OptionalLong.empty(), 10, new Percentiles(80, 90, 1, 2, 3, 4), 10, 10, 1, 0, 2, "");
        assertThat(ScaleReport.line(dropped)).endsWith("heap n/a B/conn, kernel n/a B/pair, p50/p99/p99.9 80.0/1.0/2.0"
                + " µs [2 dropped]");
    }

    @Test
    void formatsLatencyAsTheHarnessDoes() {
        assertThat(ScaleReport.micros(88)).isEqualTo("88.0");
        assertThat(ScaleReport.micros(6991)).isEqualTo("6991");
        assertThat(ScaleReport.micros(Double.NaN)).isEqualTo("n/a");
    }
}
