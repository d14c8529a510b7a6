package dev.ix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HgrmTest {

    /** A data line of wrk2's spectrum: "%12.3f %12f %12d %12.2f", the last column "inf" on the 100 % line. */
    private static final String LINE = " {0,11}\\d+\\.\\d{3} {1,12}[01]\\.\\d{6} {1,12}\\d+ {1,12}(\\d+\\.\\d{2}|inf)";

    @Test
    void printsWrk2sDetailedPercentileSpectrum() {
        Histogram h = LoopStats.newHistogram();
        for (int i = 1; i <= 10_000; i++) {
            h.recordValue(i);
        }

        List<String> lines = Hgrm.text(h).lines().toList();

        assertThat(lines.get(0)).isEqualTo("       Value   Percentile   TotalCount 1/(1-Percentile)");
        assertThat(lines.get(1)).isEmpty();
        List<String> data = lines.subList(2, lines.size() - 3);
        assertThat(data).hasSizeGreaterThan(50).allMatch(l -> l.matches(LINE), "matches " + LINE);
        assertThat(data.getFirst()).isEqualTo("       0.001     0.000000            1         1.00");
        assertThat(data).contains("       5.003     0.500000         5003         2.00");
        // Rounded as C's printf rounds (the exact binary value, ties to even), as in wrk2's output.
        assertThat(data).anyMatch(l -> l.contains(" 0.989062 ")).noneMatch(l -> l.contains(" 0.989063 "));
        assertThat(data.getLast()).isEqualTo("      10.007     1.000000        10000          inf");
        assertThat(lines.get(lines.size() - 3)).isEqualTo("#[Mean    =        5.001, StdDeviation   =        2.887]");
        assertThat(lines.get(lines.size() - 2)).isEqualTo("#[Max     =       10.000, Total count    =        10000]");
        assertThat(lines.getLast()).isEqualTo("#[Buckets =           27, SubBuckets     =         2048]");
    }

    @Test
    void emptyHistogram() {
        List<String> lines = Hgrm.text(LoopStats.newHistogram()).lines().toList();

        assertThat(lines).hasSize(5);
        assertThat(lines.get(3)).isEqualTo("#[Max     =        0.000, Total count    =            0]");
    }

    @Test
    void writesTheSameToAStreamAndAFile(@TempDir Path dir) throws Exception {
        Histogram h = LoopStats.newHistogram();
        h.recordValue(1234);
        h.recordValue(56_789);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.US_ASCII);
        Path file = dir.resolve("run.hgrm");

        Hgrm.write(h, out);
        Hgrm.write(h, file);

        assertThat(bytes.toString(StandardCharsets.US_ASCII)).isEqualTo(Files.readString(file))
                .isEqualTo(Hgrm.text(h));
        assertThat(h.getTotalCount()).isEqualTo(2);
    }
}
