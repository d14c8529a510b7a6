package dev.ix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return LoadCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<String> outLines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void openLoopRunPrintsWrk2sReport() throws Exception {
        try (TestServer server = TestServer.immediate()) {
            String url = server.uri("/plaintext").toString();

            int status = run("-t1", "-c2", "-d1s", "--warmup", "0", "-R", "200", "-L", "-U", "--transport", "epoll",
                    url);

            assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
            List<String> lines = outLines();
            assertThat(lines.get(0)).isEqualTo("Running 1s test @ " + url);
            assertThat(lines.get(1)).isEqualTo("  1 threads and 2 connections");
            assertThat(lines.get(2)).isEqualTo("  generator on epoll");
            assertThat(lines.get(3)).isEqualTo("  Thread Stats   Avg      Stdev     Max   +/- Stdev");
            assertThat(lines.get(4)).matches("    Latency   .{8}.{10}.{9} {0,3}\\d+\\.\\d\\d%");
            assertThat(lines.get(5)).matches("    Req/Sec   .{8}.{10}.{9} {0,3}\\d+\\.\\d\\d%");
            assertThat(lines.get(6)).isEqualTo("  Latency Distribution (HdrHistogram - Recorded Latency)");
            assertThat(lines.subList(7, 15)).extracting(l -> l.substring(0, 8))
                    .containsExactly(" 50.000%", " 75.000%", " 90.000%", " 99.000%", " 99.900%", " 99.990%",
                            " 99.999%", "100.000%");
            assertThat(lines.get(7)).matches(" 50\\.000% {0,8}\\d+\\.\\d\\d(us|ms|s) {0,2}");
            assertThat(lines.get(15)).isEmpty();
            assertThat(lines.get(16)).isEqualTo("  Detailed Percentile spectrum:");
            assertThat(lines.get(17)).isEqualTo("       Value   Percentile   TotalCount 1/(1-Percentile)");
            assertThat(lines).contains("----------------------------------------------------------",
                    "  Latency Distribution (HdrHistogram - Uncorrected Latency (measured without taking delayed"
                            + " starts into account))");
            assertThat(lines).filteredOn(l -> l.startsWith("#[Mean    =")).hasSize(2);
            assertThat(lines).filteredOn(l -> l.startsWith("#[Max     =")).hasSize(2);
            assertThat(lines).filteredOn(l -> l.equals("#[Buckets =           27, SubBuckets     =         2048]"))
                    .hasSize(2);
            assertThat(lines).anyMatch(l -> l.matches("  \\d+ requests in 1\\.00s, \\d+\\.\\d\\d[KM]?B read"));
            assertThat(lines).noneMatch(l -> l.startsWith("  Socket errors") || l.startsWith("  Non-2xx"));
            assertThat(lines.get(lines.size() - 2)).matches("Requests/sec: +\\d+\\.\\d\\d");
            assertThat(lines.getLast()).matches("Transfer/sec: +\\d+\\.\\d\\d[KM]?B");
            assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        }
    }

    @Test
    void withoutRateTheLoadIsClosedLoopAndErrorsAreReported() throws Exception {
        try (TestServer server = TestServer.answering("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n")) {
            int status = run("-t1", "-c1", "-d1s", "--warmup=0", "--transport", "ix", "-H", "X-Run: closed",
                    server.uri("/").toString());

            assertThat(status).isZero();
            List<String> lines = outLines();
            assertThat(lines).contains("  Latency Distribution (HdrHistogram - Recorded Latency)");
            assertThat(lines).doesNotContain("  Detailed Percentile spectrum:");
            assertThat(lines).anyMatch(l -> l.matches("  Non-2xx or 3xx responses: \\d+"));
            assertThat(server.firstRequest()).contains("\r\nX-Run: closed\r\n");
            // Closed loop: far more than the single request per second a 1-connection open loop would make here.
            assertThat(server.requests()).isGreaterThan(10);
        }
    }

    @Test
    void badFlagIsOneLineAndStatusOne() {
        assertThat(run("--bogus", "http://127.0.0.1:1/")).isEqualTo(1);

        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("unknown option: --bogus (see --help)"
                + System.lineSeparator());
    }

    @Test
    void connectFailureIsOneLineAndStatusOne() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }

        assertThat(run("-t1", "-c1", "-d1s", "--transport", "nio", "http://127.0.0.1:" + port + "/")).isEqualTo(1);

        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("cannot connect to 127.0.0.1:" + port + ": ")
                .hasLineCount(1);
    }

    @Test
    void helpDocumentsEveryOption() {
        assertThat(run("--help")).isZero();

        String help = out.toString(StandardCharsets.UTF_8);
        for (String option : List.of("-c, --connections", "-d, --duration", "-t, --threads", "-H, --header",
                "-L  --latency", "-U  --u_latency", "--timeout", "-R, --rate", "--pipeline", "--warmup",
                "--transport", "-h, --help", "-s/--script")) {
            assertThat(help).contains(option);
        }
        assertThat(help).contains("CLOSED LOOP", "Open loop", "Closed loop", "intended send time", "microseconds");
    }
}
