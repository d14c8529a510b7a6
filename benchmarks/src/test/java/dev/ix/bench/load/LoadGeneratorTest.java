package dev.ix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ix.bench.measure.ProcStat;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The generator against {@link TestServer}s with known behaviour. Nothing here asserts speed: the checks hold on a
 * slow or busy machine (being slow only adds latency, and the latency bounds checked are lower bounds).
 */
class LoadGeneratorTest {

    private static final long DELAY_MICROS = 20_000;

    @ParameterizedTest
    @EnumSource(LoadTransport.class)
    void openLoopLatencyIncludesTheServersDelay(LoadTransport transport) throws Exception {
        IxRequirement.check(transport);
        try (TestServer server = TestServer.start((n, now) -> TimeUnit.MICROSECONDS.toNanos(DELAY_MICROS))) {
            List<Double> progress = new CopyOnWriteArrayList<>();
            LoadSpec spec = new LoadSpec(server.uri("/"), 4, 2, Duration.ofSeconds(2), Duration.ofMillis(300), 200,
                    1, transport, Duration.ofSeconds(5));

            LoadReport report = LoadGenerator.run(spec, List.of(), progress::add);

            LoadResult result = report.result();
            assertThat(result.generator()).isEqualTo("builtin/" + transport.label());
            assertThat(result.errors()).isZero();
            assertThat(result.seconds()).isEqualTo(2.0);
            // 200 requests per second for 2 s: 400, give or take what arrives around the window's edges.
            assertThat(result.requests()).isBetween(300L, 500L);
            Histogram h = result.histogram();
            // The requests due at the very end, behind one still in flight, never left: charged, not dropped.
            assertThat(h.getTotalCount()).isEqualTo(result.requests() + report.unsent());
            // Every response waited for the delay (an unsent request is charged only its wait until the window's end).
            assertThat(report.serviceTime().getMinValue()).isGreaterThanOrEqualTo(DELAY_MICROS);
            assertThat(result.latency().p50()).isGreaterThanOrEqualTo(DELAY_MICROS);
            assertThat(result.generatorCpus()).isEqualTo(ProcStat.allowedCpus(ProcessHandle.current().pid()));
            assertThat(result.generatorCpu()).isBetween(0.0, 2.5);
            assertThat(progress).isNotEmpty().isSorted().allMatch(p -> p >= 0 && p <= 1);
            assertThat(progress.getLast()).isEqualTo(1.0);
            assertThat(progress.size()).isLessThan(40);
        }
    }

    /**
     * The server stops answering for one second once, about a second into the window, then answers everything it
     * holds. Requests due during the stall cannot leave (each connection has its one request in flight), but their
     * latency must count from when they were due: about 100 of the 200 due in the stall are then at least half a
     * stall late. Measured from the actual send (the service time), only the few requests in flight when the stall
     * began are that slow: at most one per connection per stall. The requests that waited to leave show in the send
     * lag (coordinated omission, case d: a late send is visible as such).
     */
    @ParameterizedTest
    @EnumSource(value = LoadTransport.class, names = {"IX", "EPOLL"})
    void openLoopLatencyIsFreeOfCoordinatedOmission(LoadTransport transport) throws Exception {
        IxRequirement.check(transport);
        long stallNanos = TimeUnit.SECONDS.toNanos(1);
        long halfStallMicros = TimeUnit.NANOSECONDS.toMicros(stallNanos / 2);
        AtomicLong stallEnd = new AtomicLong(Long.MIN_VALUE);
        TestServer.Delay stallOnce = (n, now) -> {
            if (n == 200) {
                stallEnd.set(now + stallNanos);
            }
            return Math.max(0, stallEnd.get() - now);
        };
        try (TestServer server = TestServer.start(stallOnce)) {
            int connections = 4;
            LoadSpec spec = new LoadSpec(server.uri("/"), connections, 1, Duration.ofSeconds(4), Duration.ZERO, 200,
                    1, transport, Duration.ofSeconds(10));

            LoadReport report = LoadGenerator.run(spec, List.of(), null);

            assertThat(stallEnd.get()).as("the server stalled").isNotEqualTo(Long.MIN_VALUE);
            LoadResult result = report.result();
            assertThat(result.errors()).isZero();
            long late = countAtLeast(result.histogram(), halfStallMicros);
            long lateService = countAtLeast(report.serviceTime(), halfStallMicros);
            assertThat(late).as("responses >= half a stall late, from the intended send").isGreaterThanOrEqualTo(50);
            assertThat(lateService).as("responses >= half a stall late, from the actual send")
                    .isLessThanOrEqualTo(late / 5);
            assertThat(result.histogram().getMaxValue()).isGreaterThanOrEqualTo(halfStallMicros * 2 * 9 / 10);
            assertThat(result.latency().p99()).isGreaterThanOrEqualTo(halfStallMicros);
            assertThat(result.sendLag().getTotalCount()).isGreaterThanOrEqualTo(result.requests());
            assertThat(countAtLeast(result.sendLag(), halfStallMicros)).as("sends >= half a stall late")
                    .isGreaterThanOrEqualTo(50);
        }
    }

    /**
     * Coordinated omission, case c. The server stalls for 2 s from 0.2 s into a 1 s warm-up. The ~156 requests due in
     * the warm-up that could not leave are not forgiven (wrk2 does not forgive them either): they leave when the
     * stall ends, 1.2 s into the window, and count from their intended time, about 100 of them 1.5 s or more.
     */
    @ParameterizedTest
    @EnumSource(value = LoadTransport.class, names = {"IX", "EPOLL"})
    void warmUpBacklogIsChargedInTheWindow(LoadTransport transport) throws Exception {
        IxRequirement.check(transport);
        long stallNanos = TimeUnit.SECONDS.toNanos(2);
        AtomicLong stallEnd = new AtomicLong(Long.MIN_VALUE);
        TestServer.Delay stallOnce = (n, now) -> {
            if (n == 40) {
                stallEnd.set(now + stallNanos);
            }
            return Math.max(0, stallEnd.get() - now);
        };
        try (TestServer server = TestServer.start(stallOnce)) {
            LoadSpec spec = new LoadSpec(server.uri("/"), 4, 1, Duration.ofSeconds(2), Duration.ofSeconds(1), 200,
                    1, transport, Duration.ofSeconds(10));

            LoadResult result = LoadGenerator.run(spec, null);

            assertThat(result.errors()).isZero();
            // 400 due in the window plus the warm-up's backlog, answered in the window.
            assertThat(result.requests()).isGreaterThanOrEqualTo(500);
            assertThat(countAtLeast(result.histogram(), 1_500_000)).isGreaterThanOrEqualTo(80);
        }
    }

    /**
     * Coordinated omission, case a. The server never answers; each of 2 connections times out after 300 ms, gives its
     * request up, reconnects and sends the oldest due one. Every timed-out request is in the latency histogram, from
     * its intended send time to when it was given up (so at least the timeout), not only in the error count.
     */
    @ParameterizedTest
    @EnumSource(value = LoadTransport.class, names = {"IX", "EPOLL"})
    void timedOutRequestsAreInTheLatencyFromTheirIntendedTime(LoadTransport transport) throws Exception {
        LoadReport report = againstASilentServer(transport, 2, 100, Duration.ofMillis(300));

        LoadResult result = report.result();
        assertThat(result.requests()).isZero();
        assertThat(report.timeout()).isGreaterThanOrEqualTo(4);
        assertThat(result.errors()).isEqualTo(report.timeout());
        assertThat(countAtLeast(result.histogram(), 300_000)).isGreaterThanOrEqualTo(report.timeout());
        assertThat(result.histogram().getTotalCount()).isEqualTo(report.timeout() + report.unsent());
    }

    /**
     * Coordinated omission, case b. The server never answers and the timeout outlasts the 1 s window: each of 4
     * connections sends its first request and then cannot send (pipeline 1). The 196 others due in the window never
     * leave; they are charged (window end - intended time), so the histogram holds all 200 requests due in the window,
     * the 4 sent among them as timeouts at the end.
     */
    @ParameterizedTest
    @EnumSource(value = LoadTransport.class, names = {"IX", "EPOLL"})
    void requestsDueButUnsentWhenTheWindowClosesAreCharged(LoadTransport transport) throws Exception {
        LoadReport report = againstASilentServer(transport, 4, 200, Duration.ofMillis(1500));

        LoadResult result = report.result();
        assertThat(result.requests()).isZero();
        assertThat(report.unsent()).isEqualTo(196);
        assertThat(report.timeout()).isEqualTo(4);
        assertThat(result.histogram().getTotalCount()).isEqualTo(200);
        // Due evenly over the window, so about three quarters were due 250 ms or more before it closed.
        assertThat(countAtLeast(result.histogram(), 250_000)).isGreaterThanOrEqualTo(report.unsent() / 2);
        assertThat(countAtLeast(result.sendLag(), 250_000)).isGreaterThanOrEqualTo(report.unsent() / 2);
    }

    /** One second of open-loop load, no warm-up, pipeline 1, on a server that never answers. */
    private static LoadReport againstASilentServer(LoadTransport transport, int connections, double rate,
                                                  Duration timeout) throws Exception {
        IxRequirement.check(transport);
        try (TestServer server = TestServer.start((n, now) -> TimeUnit.HOURS.toNanos(1))) {
            LoadSpec spec = new LoadSpec(server.uri("/"), connections, 1, Duration.ofSeconds(1), Duration.ZERO, rate,
                    1, transport, timeout);
            return LoadGenerator.run(spec, List.of(), null);
        }
    }

    /**
     * Pipelined open loop: each connection may take several due requests in one go, and the last one before the
     * window's end must leave too. All 200 requests due in the window are answered or charged as unsent; none is
     * taken from the schedule and then forgotten (which also kept the run waiting for its timeout).
     */
    @ParameterizedTest
    @EnumSource(value = LoadTransport.class, names = {"IX", "EPOLL"})
    void pipelinedOpenLoopSendsEveryRequestDueInTheWindow(LoadTransport transport) throws Exception {
        IxRequirement.check(transport);
        try (TestServer server = TestServer.immediate()) {
            LoadSpec spec = new LoadSpec(server.uri("/"), 4, 1, Duration.ofSeconds(1), Duration.ZERO, 200, 4,
                    transport, Duration.ofSeconds(5));

            LoadReport report = LoadGenerator.run(spec, List.of(), null);

            assertThat(report.result().errors()).isZero();
            assertThat(report.result().requests() + report.unsent()).isEqualTo(200);
            assertThat(server.requests()).isEqualTo(report.result().requests());
        }
    }

    @ParameterizedTest
    @EnumSource(value = LoadTransport.class, names = {"IX", "EPOLL"})
    void closedLoopWithPipelining(LoadTransport transport) throws Exception {
        IxRequirement.check(transport);
        try (TestServer server = TestServer.immediate()) {
            LoadSpec spec = new LoadSpec(server.uri("/"), 4, 2, Duration.ofSeconds(1), Duration.ofMillis(200), 0, 4,
                    transport, Duration.ofSeconds(5));

            LoadReport report = LoadGenerator.run(spec, List.of(), null);

            LoadResult result = report.result();
            assertThat(result.requests()).isPositive();
            assertThat(result.errors()).isZero();
            assertThat(result.histogram().getTotalCount()).isEqualTo(result.requests());
            assertThat(server.requests()).isGreaterThanOrEqualTo(result.requests());
            // Bytes count as they arrive, responses when complete: they may differ by what straddles the window's edges.
            long length = TestServer.OK.length();
            long inFlight = (long) spec.connections() * spec.pipeline();
            assertThat(report.bytes()).isBetween((result.requests() - inFlight) * length,
                    (result.requests() + inFlight) * length);
            assertThat(report.rateSamples()).hasSize(2);
        }
    }

    /**
     * The window callback is told once that the window opened, after the warm-up, once that it closed, after the
     * window's requests went out, and once how many responses the whole run had: the server had answered warm-up
     * requests before the first, and none of those is in the result.
     */
    @Test
    void theWindowIsToldWhenItOpensAfterTheWarmUpAndWhenItCloses() throws Exception {
        try (TestServer server = TestServer.immediate()) {
            LoadSpec spec = new LoadSpec(server.uri("/"), 2, 1, Duration.ofMillis(400), Duration.ofMillis(300), 500, 1,
                    LoadTransport.NIO, Duration.ofSeconds(5));
            List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
            long[] answeredAtOpen = new long[1];
            long[] all = new long[1];

            LoadResult result = LoadGenerator.run(spec, null, new LoadGenerator.Window() {
                @Override
                public void opened() {
                    answeredAtOpen[0] = server.requests();
                    told.add("opened");
                }

                @Override
                public void closed() {
                    told.add("closed");
                }

                @Override
                public void finished(long allResponses) {
                    all[0] = allResponses;
                    told.add("finished");
                }
            });

            assertThat(told).containsExactly("opened", "closed", "finished");
            assertThat(all[0]).as("every response of the run, the warm-up's too").isEqualTo(server.requests());
            assertThat(answeredAtOpen[0]).as("warm-up requests answered before the window").isPositive();
            assertThat(result.histogram().getTotalCount()).as("the window's 500/s over 400 ms, not the warm-up's")
                    .isBetween(199L, 201L);
        }
    }

    @Test
    void nonSuccessStatusesAreErrors() throws Exception {
        try (TestServer server = TestServer.answering("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")) {
            LoadSpec spec = new LoadSpec(server.uri("/missing"), 2, 1, Duration.ofMillis(500), Duration.ZERO, 0, 1,
                    LoadTransport.IX, Duration.ofSeconds(5));
            IxRequirement.check(spec.transport());

            LoadReport report = LoadGenerator.run(spec, List.of(), null);

            assertThat(report.result().requests()).isPositive();
            assertThat(report.status()).isEqualTo(report.result().requests());
            assertThat(report.result().errors()).isEqualTo(report.status());
        }
    }

    @Test
    void malformedResponsesAreReadErrorsAndCloseTheConnection() throws Exception {
        try (TestServer server = TestServer.answering("HTTX/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")) {
            LoadSpec spec = new LoadSpec(server.uri("/"), 1, 1, Duration.ofMillis(500), Duration.ZERO, 0, 1,
                    LoadTransport.EPOLL, Duration.ofSeconds(5));

            LoadReport report = LoadGenerator.run(spec, List.of(), null);

            assertThat(report.result().requests()).isZero();
            assertThat(report.read()).isPositive();
            assertThat(report.result().errors()).isGreaterThanOrEqualTo(report.read());
            assertThat(server.closes()).isPositive();
        }
    }

    @Test
    void unansweredRequestsAreTimeouts() throws Exception {
        try (TestServer server = TestServer.start((n, now) -> TimeUnit.HOURS.toNanos(1))) {
            LoadSpec spec = new LoadSpec(server.uri("/"), 2, 1, Duration.ofMillis(600), Duration.ZERO, 0, 1,
                    LoadTransport.NIO, Duration.ofMillis(200));

            LoadReport report = LoadGenerator.run(spec, List.of(), null);

            assertThat(report.result().requests()).isZero();
            assertThat(report.timeout()).isPositive();
            assertThat(report.result().errors()).isEqualTo(report.timeout());
            assertThat(report.result().histogram().getTotalCount()).isEqualTo(report.timeout());
        }
    }

    @Test
    void extraHeadersAreSent() throws Exception {
        try (TestServer server = TestServer.immediate()) {
            LoadSpec spec = new LoadSpec(server.uri("/path?q=1"), 1, 1, Duration.ofMillis(200), Duration.ZERO, 0, 1,
                    LoadTransport.NIO, Duration.ofSeconds(5));

            LoadGenerator.run(spec, List.of("X-Test: yes"), null);

            assertThat(server.firstRequest()).isEqualTo("GET /path?q=1 HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                    + "\r\nX-Test: yes\r\n\r\n");
        }
    }

    @Test
    void connectFailureNamesTheAddress() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        LoadSpec spec = new LoadSpec(URI.create("http://127.0.0.1:" + port + "/"), 2, 1, Duration.ofSeconds(1),
                Duration.ZERO, 0, 1, LoadTransport.NIO, Duration.ofSeconds(2));

        assertThatThrownBy(() -> LoadGenerator.run(spec, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("127.0.0.1:" + port)
                .hasMessageContaining("refused");
    }

    @Test
    void onlyPlainHttpUrls() {
        LoadSpec spec = new LoadSpec(URI.create("https://127.0.0.1:1/"), 1, 1, Duration.ofSeconds(1),
                Duration.ZERO, 0, 1, LoadTransport.NIO, Duration.ofSeconds(2));

        assertThatThrownBy(() -> LoadGenerator.run(spec, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http://host:port/path");
    }

    private static long countAtLeast(Histogram h, long micros) {
        long n = 0;
        for (HistogramIterationValue v : h.recordedValues()) {
            if (h.lowestEquivalentValue(v.getValueIteratedTo()) >= micros) {
                n += v.getCountAtValueIteratedTo();
            }
        }
        return n;
    }
}
