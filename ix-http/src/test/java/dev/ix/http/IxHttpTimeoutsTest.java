package dev.ix.http;

import dev.ix.reactor.IxServer;
import dev.ix.transport.IxLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each timeout of {@link IxHttpServer} with short durations, over real sockets. Timings are checked from below only
 * (a timer never fires early); how late one fires depends on the machine's load, so the upper bounds are logical
 * (the slow client was still sending when it was cut), not clock readings.
 */
class IxHttpTimeoutsTest {
    private static final String GET_HELLO = "GET /hello HTTP/1.1\r\nHost: h\r\n\r\n";

    private IxServer server;

    @RegisterExtension
    final TestServers servers = new TestServers();

    private IxServer start(IxHttpServer spec) {
        server = servers.keep(spec.loops(1).route(r -> r
                        .get("/hello", (req, res) -> res.sendString("hello"))
                        .post("/echo", (req, res) -> res.send(req.body())))
                .bindNow());
        return server;
    }

    @Test
    void shouldCutSlowlorisAtHeaderDeadlineWhileOtherClientsAreServed() throws Exception {
        start(IxHttpServer.create().headerReadTimeout(Duration.ofSeconds(1)));
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch served = new CountDownLatch(1);
        Thread normal = Thread.ofPlatform().start(() -> {
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/hello"))
                        .build();
                while (!done.get()) {
                    HttpResponse<String> r = client.send(get, HttpResponse.BodyHandlers.ofString());
                    (r.statusCode() == 200 && r.body().equals("hello") ? answered : failed).incrementAndGet();
                    served.countDown();
                    Thread.sleep(20);
                }
            } catch (IOException | InterruptedException e) {
                failed.incrementAndGet();
            }
        });
        int answeredBefore;
        int answeredDuring;
        try (RawHttpClient slow = new RawHttpClient(server.port())) {
            assertThat(served.await(30, TimeUnit.SECONDS)).as("the normal client served before the attack").isTrue();
            answeredBefore = answered.get();
            long start = System.nanoTime();
            AtomicInteger sent = new AtomicInteger();
            Thread trickle = trickle(slow, "GET /hello HTTP/1.1\r\nHost: h\r\nX-Slow: " + "a".repeat(10_000), 100,
                    sent);

            RawHttpClient.Response r = slow.read();
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            answeredDuring = answered.get() - answeredBefore;

            assertThat(r.status()).isEqualTo(408);
            assertThat(r.headers()).containsEntry("connection", "close");
            assertThat(closedOrReset(slow)).isTrue();
            assertThat(elapsedMillis).isGreaterThanOrEqualTo(1000);
            // A byte every 100 ms all along, yet cut: the deadline is not pushed back by each byte.
            assertThat(sent.get()).isGreaterThan(5);
            trickle.interrupt();
            System.out.println("slowloris cut after " + elapsedMillis + " ms (header timeout 1000 ms), " + sent
                    + " bytes trickled; the normal client got " + answeredDuring + " answers meanwhile");
        } finally {
            done.set(true);
            normal.join();
        }
        assertThat(failed.get()).isZero();
        assertThat(answeredDuring).as("normal requests answered during the attack").isPositive();
    }

    @Test
    void shouldCloseATimedOutClientAtOnceInsteadOfLingeringOnItsBytes() throws Exception {
        // Lingering would take the client's bytes for a minute: a write failing before that shows the socket closed.
        start(IxHttpServer.create().headerReadTimeout(Duration.ofMillis(300)).lingeringTime(Duration.ofMinutes(1))
                .lingeringTimeout(Duration.ofMinutes(1)));
        try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            slow.setSoTimeout(30_000);
            OutputStream out = slow.getOutputStream();
            out.write("GET /hello HTTP/1.1\r\nHost: h\r\nX-Slow: a".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(slow.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 408 ");

            Await.until(() -> assertThatThrownBy(() -> {
                out.write('a');
                out.flush();
            }).as("the server closed its socket instead of draining the client's bytes")
                    .isInstanceOf(IOException.class));
        }
    }

    @Test
    void shouldAnswer408AfterEarlierRequestsWhenHeadTimesOutBehindThem() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        server = servers.keep(IxHttpServer.create().loops(1).headerReadTimeout(Duration.ofMillis(300)).route(r -> r
                        .get("/slow", (req, res) -> {
                            started.countDown();
                            return res.sendString(Mono.delay(Duration.ofMillis(800)).thenReturn("slow"));
                        }))
                .bindNow());
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            c.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\n");
            started.await();

            RawHttpClient.Response first = c.read();
            RawHttpClient.Response second = c.read();

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).isEqualTo("slow");
            assertThat(second.status()).isEqualTo(408);
            assertThat(closedOrReset(c)).isTrue();
        }
    }

    @Test
    void shouldAnswer408WhenBodyStopsAndNotWhileItProgresses() throws Exception {
        // The request timeout is shorter still: it does not run while a body arrives (the body timeout does).
        start(IxHttpServer.create().bodyReadTimeout(Duration.ofMillis(500)).requestTimeout(Duration.ofMillis(300)));
        try (RawHttpClient stalled = new RawHttpClient(server.port());
             RawHttpClient slow = new RawHttpClient(server.port())) {
            long start = System.nanoTime();
            stalled.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n0123456789");
            // 20 bytes, one every 100 ms: 2 s in all, four times the timeout, but never 500 ms without a byte.
            slow.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 20\r\n\r\n");
            for (int i = 0; i < 20; i++) {
                Thread.sleep(100);
                slow.send("b");
            }

            RawHttpClient.Response cut = stalled.read();
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            RawHttpClient.Response whole = slow.read();

            assertThat(cut.status()).isEqualTo(408);
            assertThat(cut.headers()).containsEntry("connection", "close");
            assertThat(closedOrReset(stalled)).isTrue();
            assertThat(elapsedMillis).isGreaterThanOrEqualTo(500);
            assertThat(whole.status()).isEqualTo(200);
            assertThat(whole.body()).isEqualTo("b".repeat(20));
        }
    }

    @Test
    void shouldNotCutBodyTheServerHoldsBackForSlowConsumer() throws Exception {
        // The consumer takes X-Stall-Millis over its first buffer: past 64 KiB waiting, the server stops reading the
        // body meanwhile, longer than the body timeout; the client is not late, the body timeout must wait.
        server = servers.keep(IxHttpServer.create().loops(1).bodyReadTimeout(Duration.ofMillis(200)).route(r -> r
                        .post("/count", (req, res) -> {
                            AtomicBoolean first = new AtomicBoolean(true);
                            Duration stall = Duration.ofMillis(Long.parseLong(req.header("X-Stall-Millis")));
                            return res.sendString(req.receive()
                                    .map(ByteBuf::readableBytes)
                                    .concatMap(n -> first.getAndSet(false)
                                            ? Mono.delay(stall).thenReturn(n) : Mono.just(n), 1)
                                    .reduce(0, Integer::sum)
                                    .map(String::valueOf));
                        }))
                .bindNow());
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            // Once through, so no class loading stalls the loop (and the timer) during the real one.
            assertThat(c.send(countRequest(1, 100_000) + "x".repeat(100_000)).read().body()).isEqualTo("100000");
            int size = 512 * 1024;
            // A part the server reads at once (its consumer then falls behind), the rest while the server holds.
            c.send(countRequest(1000, size) + "x".repeat(128 * 1024));
            Thread.sleep(300);
            c.send("x".repeat(size - 128 * 1024));

            RawHttpClient.Response r = c.read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(String.valueOf(size));
        }
    }

    private static String countRequest(long stallMillis, int size) {
        return "POST /count HTTP/1.1\r\nHost: h\r\nX-Stall-Millis: " + stallMillis + "\r\nContent-Length: " + size
                + "\r\n\r\n";
    }

    @Test
    void shouldCloseIdleConnectionsSilently() throws Exception {
        start(IxHttpServer.create().idleTimeout(Duration.ofMillis(300)));
        try (RawHttpClient afterRequest = new RawHttpClient(server.port());
             RawHttpClient silent = new RawHttpClient(server.port())) {
            long start = System.nanoTime(); // before the server's idle time can start
            assertThat(afterRequest.send(GET_HELLO).read().body()).isEqualTo("hello");

            assertThat(afterRequest.closedByServer()).isTrue(); // EOF, no bytes before it
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(silent.closedByServer()).isTrue();
            assertThat(elapsedMillis).isGreaterThanOrEqualTo(300);
        }
    }

    @Test
    void shouldNotCloseConnectionsThatKeepSendingRequests() throws Exception {
        start(IxHttpServer.create().idleTimeout(Duration.ofMillis(300)).headerReadTimeout(Duration.ofMillis(300)));
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            for (int i = 0; i < 10; i++) { // 1.5 s in all: five times each timeout
                assertThat(c.send(GET_HELLO).read().status()).isEqualTo(200);
                Thread.sleep(150);
            }
        }
    }

    @Test
    void shouldCloseAfterMaxRequestsPerConnection() throws Exception {
        start(IxHttpServer.create().maxRequestsPerConnection(3));
        try (RawHttpClient oneByOne = new RawHttpClient(server.port());
             RawHttpClient pipelined = new RawHttpClient(server.port())) {
            for (int i = 1; i <= 3; i++) {
                RawHttpClient.Response r = oneByOne.send(GET_HELLO).read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.headers().get("connection")).isEqualTo(i == 3 ? "close" : null);
            }
            assertThat(oneByOne.closedByServer()).isTrue();

            pipelined.send(GET_HELLO.repeat(5));
            for (int i = 1; i <= 3; i++) {
                assertThat(pipelined.read().headers().get("connection")).isEqualTo(i == 3 ? "close" : null);
            }
            assertThat(closedOrReset(pipelined)).isTrue();
        }
    }

    @Test
    void shouldCutHandlerThatNeverCompletesWith503AndCancelIt() throws Exception {
        CountDownLatch cancelled = new CountDownLatch(2);
        server = servers.keep(IxHttpServer.create().loops(1).requestTimeout(Duration.ofMillis(300)).route(r -> r
                        .get("/never", (req, res) -> Mono.<Void>never().doOnCancel(cancelled::countDown))
                        .get("/stuck", (req, res) -> res.send(Flux.concat(
                                        Flux.just(Unpooled.copiedBuffer("begun", StandardCharsets.US_ASCII)),
                                        Flux.never()))
                                .doOnCancel(cancelled::countDown)))
                .bindNow());
        try (RawHttpClient never = new RawHttpClient(server.port());
             Socket stuck = new Socket("127.0.0.1", server.port())) {
            long start = System.nanoTime();
            RawHttpClient.Response r = never.send("GET /never HTTP/1.1\r\nHost: h\r\n\r\n").read();
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            stuck.getOutputStream().write("GET /stuck HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String cut = new String(stuck.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

            assertThat(r.status()).isEqualTo(503);
            assertThat(r.headers()).containsEntry("connection", "close");
            assertThat(never.closedByServer()).isTrue();
            assertThat(elapsedMillis).isGreaterThanOrEqualTo(300);
            // Its head and first chunk were sent: no second answer, the connection is cut before the last chunk.
            assertThat(cut).startsWith("HTTP/1.1 200 OK\r\n").contains("\r\n5\r\nbegun\r\n")
                    .doesNotContain("0\r\n\r\n");
            assertThat(cancelled.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void shouldCloseConnectionWhosePeerStopsReading() throws Exception {
        CountDownLatch cancelled = new CountDownLatch(1);
        server = servers.keep(IxHttpServer.create().loops(1).sendTimeout(Duration.ofMillis(500)).route(r -> r
                        .get("/endless", (req, res) -> res.send(Flux.generate(sink ->
                                        sink.next(Unpooled.wrappedBuffer(new byte[16 * 1024]))))
                                .doOnCancel(cancelled::countDown)))
                .bindNow());
        try (Socket deaf = new Socket()) {
            deaf.setReceiveBufferSize(4096);
            deaf.connect(new InetSocketAddress("127.0.0.1", server.port()));
            deaf.getOutputStream()
                    .write("GET /endless HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

            assertThat(cancelled.await(20, TimeUnit.SECONDS)).as("the stream cancelled by the close").isTrue();
            awaitNoConnections();
        }
    }

    @Test
    void shouldNotCutSlowReaderThatKeepsTakingBytes() throws Exception {
        int chunks = 32;
        // Small kernel buffers on both sides, so the server's outbound buffer stays over its high water mark.
        server = servers.keep(IxHttpServer.create().loops(1).childOption(ChannelOption.SO_SNDBUF, 8192)
                .sendTimeout(Duration.ofMillis(300)).requestTimeout(Duration.ofMillis(300)).route(r -> r
                        .get("/big", (req, res) -> res.send(Flux.range(0, chunks)
                                .map(i -> Unpooled.wrappedBuffer(new byte[16 * 1024])))))
                .bindNow());
        try (Socket reader = new Socket()) {
            reader.setReceiveBufferSize(4096);
            reader.connect(new InetSocketAddress("127.0.0.1", server.port()));
            reader.getOutputStream().write("GET /big HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = reader.getInputStream();
            long start = System.nanoTime();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buf = new byte[8 * 1024];
            // 8 KiB every 50 ms: about 3 s for 512 KiB, ten times each timeout, never 300 ms without progress.
            while (!endsWithLastChunk(received.toByteArray())) {
                int n = in.read(buf);
                assertThat(n).as("the server closed the connection").isPositive();
                received.write(buf, 0, n);
                Thread.sleep(50);
            }
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(received.size()).isGreaterThan(chunks * 16 * 1024);
            assertThat(elapsedMillis).isGreaterThan(600);
        }
    }

    @Test
    void shouldLeaveNoTimerOfAClosedConnectionOnTheWheel() throws Exception {
        start(IxHttpServer.create());
        IxLoop loop = IxLoop.allOf(server.loops()).getFirst();
        try (RawHttpClient first = new RawHttpClient(server.port())) {
            first.send(GET_HELLO).read(); // the loop's Date ticker is armed from now on
        }
        awaitNoConnections();
        int before = loop.stats().timers();

        RawHttpClient[] clients = new RawHttpClient[10];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = new RawHttpClient(server.port());
            assertThat(clients[i].send(GET_HELLO).read().status()).isEqualTo(200);
        }
        awaitTimers(loop, before + clients.length); // one per connection
        for (RawHttpClient c : clients) {
            c.close();
        }
        awaitNoConnections();

        awaitTimers(loop, before);
    }

    /** Polls: the count is read off the loop thread, and the Date ticker leaves the wheel for a moment each second. */
    private static void awaitTimers(IxLoop loop, int expected) throws InterruptedException {
        for (int i = 0; i < 2000 && loop.stats().timers() != expected; i++) {
            Thread.sleep(10);
        }
        assertThat(loop.stats().timers()).isEqualTo(expected);
    }

    @Test
    void shouldApplyLimitsSetOnThePublicApi() throws Exception {
        start(IxHttpServer.create().maxRequestLineLength(32).maxHeaderSize(64).maxHeaderCount(2).maxBodySize(10)
                .maxChunkLineLength(8));

        assertThat(answer("GET /" + "a".repeat(40) + " HTTP/1.1\r\nHost: h\r\n\r\n")).isEqualTo(414);
        assertThat(answer("GET /hello HTTP/1.1\r\nHost: h\r\nX-Long: " + "a".repeat(64) + "\r\n\r\n")).isEqualTo(431);
        assertThat(answer("GET /hello HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n")).isEqualTo(431);
        assertThat(answer("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n")).isEqualTo(413);
        assertThat(answer("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;a=bcdefgh\r\n"))
                .isEqualTo(400);
        assertThat(answer("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789")).isEqualTo(200);
    }

    @Test
    void shouldRefuseInvalidSettingsWithTheValueAndTheRange() {
        IxHttpServer s = IxHttpServer.create();

        assertThatThrownBy(() -> s.headerReadTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("headerReadTimeout: PT-1S (expected: PT0S to disable, or a positive duration up to "
                        + HttpTimeouts.MAX_TIMEOUT + ")");
        assertThatThrownBy(() -> s.idleTimeout(null)).hasMessageStartingWith("idleTimeout: null");
        assertThatThrownBy(() -> s.maxRequestsPerConnection(-1))
                .hasMessage("maxRequestsPerConnection: -1 (expected: >= 1, or 0 for no limit)");
        assertThatThrownBy(() -> s.maxHeaderSize(1)).hasMessage("maxHeaderSize: 1 (expected: 2..1048576)");
        assertThatThrownBy(() -> s.maxBodySize(-1)).hasMessageStartingWith("maxBodySize: -1 (expected: 0..");
        assertThatThrownBy(() -> s.lingeringTime(Duration.ofMillis(-1)))
                .hasMessageStartingWith("lingeringTime: PT-0.001S");
        assertThatThrownBy(() -> s.lingeringTimeout(null)).hasMessageStartingWith("lingeringTimeout: null");
        assertThat(s.sendTimeout(Duration.ZERO).requestTimeout(Duration.ZERO).lingeringTime(Duration.ZERO)
                .lingeringTimeout(Duration.ZERO)).isNotNull();
    }

    private static boolean endsWithLastChunk(byte[] received) {
        byte[] last = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        return received.length >= last.length
                && Arrays.equals(received, received.length - last.length, received.length, last, 0, last.length);
    }

    private int answer(String request) throws IOException {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            return c.send(request).read().status();
        }
    }

    private void awaitNoConnections() throws InterruptedException {
        for (int i = 0; i < 2000 && server.activeConnections() > 0; i++) {
            Thread.sleep(10);
        }
        assertThat(server.activeConnections()).isZero();
    }

    /** Writes {@code bytes} one at a time, {@code intervalMillis} apart, until interrupted or the socket fails. */
    private static Thread trickle(RawHttpClient client, String bytes, long intervalMillis, AtomicInteger sent) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                for (int i = 0; i < bytes.length(); i++) {
                    client.send(bytes.substring(i, i + 1));
                    sent.incrementAndGet();
                    Thread.sleep(intervalMillis);
                }
            } catch (IOException | InterruptedException e) {
                // the server closed the connection, or the test is over
            }
        });
    }

    /**
     * A client still sending when the server closes may get a reset instead of the end of the stream (the
     * server's kernel resets a connection closed with unread bytes: a timed-out client is cut without lingering).
     */
    private static boolean closedOrReset(RawHttpClient c) {
        try {
            return c.closedByServer();
        } catch (IOException reset) {
            return true;
        }
    }
}
