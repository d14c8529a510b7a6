package dev.ix.bench.wrk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ix.bench.load.LoadResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The wrk samples were recorded on the development machine with Debian's wrk 4.1.0; the wrk2 samples are
 * reconstructed from wrk2's source, as wrk2 is not packaged: see src/test/resources/wrk/README.md.
 */
class WrkParserTest {

    private static LoadResult parse(String generator, String sample) throws IOException {
        try (InputStream in = WrkParserTest.class.getResourceAsStream("/wrk/" + sample)) {
            assertThat(in).as(sample).isNotNull();
            return WrkParser.parse(generator, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Recorded. */
    @Test
    void wrkAgainstIx() throws IOException {
        LoadResult r = parse("wrk", "wrk-plaintext-ix.txt");

        assertThat(r.generator()).isEqualTo("wrk");
        assertThat(r.requests()).isEqualTo(37199);
        assertThat(r.errors()).isZero();
        assertThat(r.seconds()).isCloseTo(5.01, within(1e-9));
        assertThat(r.generatorCpus()).as("not in the output").isNull();
        assertThat(r.latency().p50()).isCloseTo(5930, within(1e-6));
        assertThat(r.latency().p90()).isCloseTo(21760, within(1e-6));
        assertThat(r.latency().p99()).isCloseTo(45510, within(1e-6));
        assertThat(r.latency().p999()).isNaN();
        assertThat(r.latency().p9999()).isNaN();
        assertThat(r.latency().max()).as("Thread Stats max").isCloseTo(76490, within(1e-6));
        assertThat(r.histogram()).isNull();
        assertThat(r.generatorCpu()).isNaN();
    }

    /** Recorded (wrk with a 16-deep pipelining script): its histogram overflowed and it printed 99% as 0.00us. */
    @Test
    void wrkPercentileBelowALowerOneIsUnknownNotZero() throws IOException {
        LoadResult r = parse("wrk", "wrk-pipelined-overflow.txt");

        assertThat(r.requests()).isEqualTo(1963408);
        assertThat(r.latency().p50()).isCloseTo(850, within(1e-6));
        assertThat(r.latency().p90()).isCloseTo(8660, within(1e-6));
        assertThat(r.latency().p99()).as("99%    0.00us").isNaN();
        assertThat(r.latency().max()).isCloseTo(203400, within(1e-6));
    }

    /** Recorded: microseconds and milliseconds in one distribution. */
    @Test
    void wrkWithEveryResponseA404() throws IOException {
        LoadResult r = parse("wrk", "wrk-not-found-epoll.txt");

        assertThat(r.requests()).isEqualTo(177137);
        assertThat(r.errors()).isEqualTo(177137);
        assertThat(r.latency().p50()).isCloseTo(169, within(1e-6));
        assertThat(r.latency().p90()).isCloseTo(3170, within(1e-6));
    }

    /** Recorded: the server was killed half-way. */
    @Test
    void wrkSocketErrorsAreErrors() throws IOException {
        LoadResult r = parse("wrk", "wrk-server-killed-epoll.txt");

        assertThat(r.requests()).isEqualTo(80147);
        assertThat(r.errors()).isEqualTo(50 + 41323);
        assertThat(r.seconds()).isCloseTo(4.04, within(1e-9));
    }

    /** Recorded. */
    @Test
    void wrkJson() throws IOException {
        LoadResult r = parse("wrk", "wrk-json-epoll.txt");

        assertThat(r.requests()).isEqualTo(208258);
        assertThat(r.latency().p99()).isCloseTo(240_600, within(1e-6));
        assertThat(r.latency().max()).isCloseTo(303_980, within(1e-6));
    }

    /** Reconstructed. */
    @Test
    void wrk2RecordedLatencyAndSpectrumMax() throws IOException {
        LoadResult r = parse("wrk2", "wrk2-reconstructed-plaintext.txt");

        assertThat(r.generator()).isEqualTo("wrk2");
        assertThat(r.requests()).isEqualTo(599991);
        assertThat(r.errors()).isZero();
        assertThat(r.seconds()).isCloseTo(30.00, within(1e-9));
        assertThat(r.latency().p50()).isCloseTo(780, within(1e-6));
        assertThat(r.latency().p90()).isCloseTo(1390, within(1e-6));
        assertThat(r.latency().p99()).isCloseTo(2300, within(1e-6));
        assertThat(r.latency().p999()).isCloseTo(9930, within(1e-6));
        assertThat(r.latency().p9999()).isCloseTo(23330, within(1e-6));
        assertThat(r.latency().max()).as("#[Max = 43.039] in ms").isCloseTo(43039, within(1e-6));
        assertThat(r.histogram()).isNull();
    }

    /** Reconstructed: seconds, minutes, errors, and an uncorrected block that must not be read. */
    @Test
    void wrk2OverloadedWithUncorrectedLatency() throws IOException {
        LoadResult r = parse("wrk2", "wrk2-reconstructed-overload-uncorrected.txt");

        assertThat(r.requests()).isEqualTo(3912455);
        assertThat(r.seconds()).isCloseTo(60, within(1e-9));
        assertThat(r.errors()).isEqualTo(1523 + 17);
        assertThat(r.latency().p50()).isCloseTo(2_350_000, within(1e-3));
        assertThat(r.latency().p99()).isCloseTo(10_860_000, within(1e-3));
        assertThat(r.latency().p9999()).isCloseTo(12_430_000, within(1e-3));
        assertThat(r.latency().max()).isCloseTo(12_599_295, within(1e-3));
    }

    @Test
    void wrk2WithoutSpectrumFallsBackToThreadStatsMax() {
        String output = """
                Running 10s test @ http://127.0.0.1:8080/plaintext
                  1 threads and 10 connections
                  Thread Stats   Avg      Stdev     Max   +/- Stdev
                    Latency     1.00ms  200.00us   2.50ms   70.00%
                    Req/Sec     1.00k     0.10k    1.20k    70.00%
                  10000 requests in 10.00s, 1.21MB read
                Requests/sec:   1000.00
                Transfer/sec:    123.80KB
                """;

        LoadResult r = WrkParser.parse("wrk2", output);

        assertThat(r.latency().p50()).isNaN();
        assertThat(r.latency().max()).isCloseTo(2500, within(1e-6));
    }

    @Test
    void outputWithoutAReportIsRejected() {
        assertThatThrownBy(() -> WrkParser.parse("wrk", "unable to connect to 127.0.0.1:1 Connection refused\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Connection refused");
        assertThatThrownBy(() -> WrkParser.parse("ab", ""))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
