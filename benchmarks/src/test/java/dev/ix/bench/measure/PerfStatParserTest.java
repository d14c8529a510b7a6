package dev.ix.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** On perf stat outputs recorded on the development machine: see src/test/resources/perf/README.md. */
class PerfStatParserTest {

    private static String sample(String name) throws IOException {
        try (InputStream in = PerfStatParserTest.class.getResourceAsStream("/perf/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void csvOfOneEventAttachedToAServer() throws IOException {
        String output = sample("csv-syscalls-ix-server.txt");

        assertThat(PerfStatParser.parse(output)).containsExactly(Map.entry("raw_syscalls:sys_enter",
                OptionalDouble.of(4428)));
        assertThat(PerfStatParser.count(output, "raw_syscalls:sys_enter")).hasValue(4428);
    }

    @Test
    void csvWithMetricsAndUnsupportedHardwareCounters() throws IOException {
        Map<String, OptionalDouble> counts = PerfStatParser.parse(sample("csv-multi-event-true.txt"));

        assertThat(counts).containsOnlyKeys("raw_syscalls:sys_enter", "cycles", "instructions", "task-clock");
        assertThat(counts.get("raw_syscalls:sys_enter")).hasValue(29);
        assertThat(counts.get("cycles")).isEmpty();
        assertThat(counts.get("instructions")).isEmpty();
        assertThat(counts.get("task-clock")).hasValue(0.32);
    }

    @Test
    void csvOfAnEventNeverCounted() throws IOException {
        String output = sample("csv-not-counted-sleeping.txt");

        assertThat(PerfStatParser.parse(output)).containsOnlyKeys("raw_syscalls:sys_enter");
        assertThat(PerfStatParser.count(output, "raw_syscalls:sys_enter")).isEmpty();
    }

    @Test
    void humanFormatAttachedToAServer() throws IOException {
        Map<String, OptionalDouble> counts = PerfStatParser.parse(sample("human-epoll-server.txt"));

        assertThat(counts).containsOnlyKeys("raw_syscalls:sys_enter", "task-clock", "context-switches");
        assertThat(counts.get("raw_syscalls:sys_enter")).hasValue(424644);
        assertThat(counts.get("task-clock")).hasValue(1982.94);
        assertThat(counts.get("context-switches")).hasValue(2747);
    }

    @Test
    void humanFormatSkipsTimingsAndKeepsUnsupportedEvents() throws IOException {
        Map<String, OptionalDouble> counts = PerfStatParser.parse(sample("human-multi-event-true.txt"));

        assertThat(counts).containsOnlyKeys("raw_syscalls:sys_enter", "cycles", "task-clock");
        assertThat(counts.get("raw_syscalls:sys_enter")).hasValue(29);
        assertThat(counts.get("cycles")).isEmpty();
    }

    /** Not recorded: the machine has no English locale, in which perf groups thousands. */
    @Test
    void humanFormatWithThousandsSeparatorsAndModifiers() {
        String output = """

                 Performance counter stats for process id '4242':

                         1,234,567      raw_syscalls:sys_enter:u         #  214.149 K/sec
                          1,982.94 msec task-clock:u                     #    0.355 CPUs utilized

                       5.577978818 seconds time elapsed
                """;

        assertThat(PerfStatParser.count(output, "raw_syscalls:sys_enter")).hasValue(1_234_567);
        assertThat(PerfStatParser.count(output, "task-clock")).hasValue(1982.94);
        assertThat(PerfStatParser.count(output, "seconds")).isEmpty();
    }

    @Test
    void nothingToParse() {
        assertThat(PerfStatParser.parse("")).isEmpty();
        assertThat(PerfStatParser.count("perf: command not found\n", "raw_syscalls:sys_enter")).isEmpty();
    }
}
