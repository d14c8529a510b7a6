package dev.ix.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JitCountsTest {

    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void readsCompilesAndConvertsTheCompileTimeToNanoseconds() {
        Map<String, Long> counters = Map.of("sun.ci.totalCompiles", 2845L, "java.ci.totalTime", 6_259_594L,
                "sun.os.hrt.frequency", 1_000_000L);

        JitCounts jit = JitCounts.of(counters);

        assertThat(jit).isEqualTo(new JitCounts(2845, 6_259_594_000L));
        assertThat(jit.compileMillis()).isEqualTo(6259.594);
    }

    @Test
    void aWindowIsTheDifferenceOfTwoReadings() {
        JitCounts window = new JitCounts(3000, 7_000_000_000L).minus(new JitCounts(2990, 6_990_000_000L));

        assertThat(window).isEqualTo(new JitCounts(10, 10_000_000L));
        assertThat(window.compileMillis()).isEqualTo(10.0);
    }

    @Test
    void missingCountersAreNamed() {
        assertThatThrownBy(() -> JitCounts.of(Map.of("sun.os.hrt.frequency", 1_000_000_000L,
                "java.ci.totalTime", 1L))).hasMessageStartingWith("no counter sun.ci.totalCompiles");
    }

    /** jstat -compiler's count of this JVM's compilations lies between two readings taken around it. */
    @Test
    void agreesWithJstatOnThisJvm() throws Exception {
        Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
        assumeTrue(Files.isExecutable(jstat), "no jstat in " + jstat.getParent());

        JitCounts before = JitCounts.read(SELF);
        Process p = new ProcessBuilder(jstat.toString(), "-compiler", Long.toString(SELF)).redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        JitCounts after = JitCounts.read(SELF);

        List<String> lines = output.strip().lines().toList();
        assertThat(lines).as(output).hasSize(2);
        assertThat(lines.get(0).strip().split("\\s+")[0]).isEqualTo("Compiled");
        long compiled = Long.parseLong(lines.get(1).strip().split("\\s+")[0]);
        assertThat(compiled).isBetween(before.compiles(), after.compiles());
        assertThat(before.compiles()).as("this JVM has compiled methods by now").isPositive();
        assertThat(after.minus(before).compileNanos()).isNotNegative();
    }
}
