package dev.ix.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GcCountsTest {

    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void countsAsJstatDoesYoungOldAndTheTimeOfEveryCollector() {
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("sun.gc.collector.0.invocations", 4L);
        counters.put("sun.gc.collector.0.time", 23_000_000L);
        counters.put("sun.gc.collector.0.lastEntryTime", 488_760_416L);
        counters.put("sun.gc.collector.1.invocations", 3L);
        counters.put("sun.gc.collector.1.time", 25_000_000L);
        counters.put("sun.gc.collector.2.time", 2_000_000L);
        counters.put("sun.gc.collector.0.time.other", 999L);
        counters.put("sun.os.hrt.frequency", 1_000_000_000L);

        GcCounts gc = GcCounts.of(counters);

        assertThat(gc).isEqualTo(new GcCounts(4, 3, 50_000_000L));
        assertThat(gc.pauseMillis()).isEqualTo(50.0);
    }

    @Test
    void convertsTicksOfAnyClockToNanoseconds() {
        Map<String, Long> counters = Map.of("sun.gc.collector.0.invocations", 1L, "sun.gc.collector.0.time", 2_500L,
                "sun.gc.collector.1.invocations", 0L, "sun.os.hrt.frequency", 1_000_000L);

        assertThat(GcCounts.of(counters).pauseNanos()).isEqualTo(2_500_000L);
    }

    @Test
    void aWindowIsTheDifferenceOfTwoReadings() {
        GcCounts window = new GcCounts(10, 1, 90_000_000L).minus(new GcCounts(7, 1, 60_000_000L));

        assertThat(window).isEqualTo(new GcCounts(3, 0, 30_000_000L));
        assertThat(window.pauseMillis()).isEqualTo(30.0);
    }

    @Test
    void missingCountersAreNamed() {
        Map<String, Long> noOld = new HashMap<>(Map.of("sun.gc.collector.0.invocations", 1L,
                "sun.os.hrt.frequency", 1_000_000_000L));
        assertThatThrownBy(() -> GcCounts.of(noOld))
                .hasMessageStartingWith("no counter sun.gc.collector.1.invocations");

        noOld.put("sun.gc.collector.1.invocations", 0L);
        noOld.put("sun.os.hrt.frequency", 0L);
        assertThatThrownBy(() -> GcCounts.of(noOld)).hasMessage("sun.os.hrt.frequency: 0 (expected: > 0)");
    }

    /**
     * Reads this JVM's counters around {@code jstat -gc}'s reading of them: jstat's collection counts must lie between
     * the two, and a {@code System.gc()} before must show in them. Counts only; no timing is asserted.
     */
    @Test
    void agreesWithJstatOnThisJvm() throws Exception {
        Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
        assumeTrue(Files.isExecutable(jstat), "no jstat in " + jstat.getParent());
        GcCounts start = GcCounts.read(SELF);

        System.gc();
        GcCounts before = GcCounts.read(SELF);
        Map<String, String> columns = jstatGc(jstat);
        GcCounts after = GcCounts.read(SELF);

        assertThat(before.young() + before.old()).as("System.gc() is counted").isGreaterThan(start.young()
                + start.old());
        assertThat(Long.parseLong(columns.get("YGC"))).isBetween(before.young(), after.young());
        assertThat(Long.parseLong(columns.get("FGC"))).isBetween(before.old(), after.old());
        assertThat(after.minus(start).pauseNanos()).isNotNegative();
    }

    /** @return {@code jstat -gc}'s columns by heading: a line of headings, then a line of values */
    private static Map<String, String> jstatGc(Path jstat) throws Exception {
        Process p = new ProcessBuilder(jstat.toString(), "-gc", Long.toString(SELF)).redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        List<String> lines = output.strip().lines().toList();
        assertThat(lines).as(output).hasSize(2);
        String[] headings = lines.get(0).strip().split("\\s+");
        String[] values = lines.get(1).strip().split("\\s+");
        assertThat(values).as(output).hasSameSizeAs(headings);
        Map<String, String> columns = new HashMap<>();
        for (int i = 0; i < headings.length; i++) {
            columns.put(headings[i], values[i]);
        }
        return columns;
    }
}
