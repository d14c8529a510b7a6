package dev.ix.http;

import dev.ix.reactor.IxServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How a connection ends, over real sockets.
 *
 * <p>After the request that closes it ({@code Connection: close}, HTTP/1.0 without keep-alive, the last of
 * {@code maxRequestsPerConnection}) nothing behind that request is parsed or handled. What the server parsed shows in
 * its parse-error counter: the bytes behind the closing request include garbage, which would count as a 400 if they
 * were parsed.
 *
 * <p>Lingering: a client that keeps sending after the server answered and closes (413 for a body over the limit)
 * reads the whole answer and then a clean EOF (the server's FIN), not a reset, and every byte it sends is taken; the
 * server closes when the client does, or at a lingering bound. Without lingering the server closes with the client's
 * bytes unread, the kernel resets the connection, and the client's reads and writes fail with "Connection reset".
 * Timings are checked from below only (a timer never fires early).
 */
class IxHttpServerCloseTest {
    private static final String GARBAGE = "NOT HTTP AT ALL\r\n\r\n";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger behind = new AtomicInteger();
    private IxServer server;

    @RegisterExtension
    final TestServers servers = new TestServers();

    private IxServer start(IxHttpServer spec) {
        server = servers.keep(spec.loops(1).maxBodySize(1024).metrics(registry).route(r -> r
                        .post("/upload", (req, res) -> res.send(req.body()))
                        // Answers later, off the loop: the parser would go on reading behind it meanwhile.
                        .get("/a", (req, res) -> res.sendString(Mono.delay(Duration.ofMillis(50)).thenReturn("a")))
                        .get("/b", (req, res) -> {
                            behind.incrementAndGet();
                            return res.sendString("b");
                        }))
                .bindNow());
        return server;
    }

    private double parseErrors() {
        return registry.find(HttpServerMetrics.ERRORS).tag("kind", "parse").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** Sends {@code writes} one write each, then expects {@code /a}'s answer alone, EOF, and nothing parsed after. */
    private void assertOneResponseThenEof(String... writes) throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            for (String w : writes) {
                c.send(w);
            }
            RawHttpClient.Response r = c.read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("a");
            assertThat(r.headers()).containsEntry("connection", "close");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(behind).hasValue(0);
        assertThat(parseErrors()).isZero();
    }

    @Test
    void shouldNeitherParseNorHandleRequestsPipelinedBehindConnectionClose() throws Exception {
        start(IxHttpServer.create());

        assertOneResponseThenEof("GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
                + "GET /b HTTP/1.1\r\nHost: h\r\n\r\n" + GARBAGE);
    }

    @Test
    void shouldNeitherParseNorHandleRequestsPipelinedBehindHttp10WithoutKeepAlive() throws Exception {
        start(IxHttpServer.create());

        assertOneResponseThenEof("GET /a HTTP/1.0\r\n\r\nGET /b HTTP/1.0\r\n\r\n" + GARBAGE);
    }

    @Test
    void shouldNeitherParseNorHandleRequestsBehindTheLastOfMaxRequestsPerConnection() throws Exception {
        start(IxHttpServer.create().maxRequestsPerConnection(1));

        assertOneResponseThenEof("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n" + GARBAGE);
    }

    @Test
    void shouldDiscardBytesArrivingAfterTheClosingRequestWhileItIsAnswered() throws Exception {
        start(IxHttpServer.create());

        assertOneResponseThenEof("GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
                "GET /b HTTP/1.1\r\nHost: h\r\n\r\n" + GARBAGE); // a second write, while /a is in flight
    }

    @Test
    void shouldAnswerTheClosingRequestsBodyBeforeClosing() throws Exception {
        start(IxHttpServer.create());
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response r = c.send("POST /upload HTTP/1.1\r\nHost: h\r\nConnection: close\r\n"
                    + "Content-Length: 5\r\n\r\nhello" + GARBAGE).read();

            assertThat(r.body()).isEqualTo("hello");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(parseErrors()).isZero();
    }

    @Test
    void shouldLetAClientStillSendingAfterA413ReadTheWholeAnswerThenCloseWhenItCloses() throws Exception {
        start(IxHttpServer.create());
        int body = 8 << 20;
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(ascii("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: " + body + "\r\n\r\n"));
            CompletableFuture<Long> sent = sendInBackground(out, body, 0);

            String answer = readUntilEof(s.getInputStream());

            assertThat(answer).startsWith("HTTP/1.1 413 Content Too Large\r\n").endsWith("\r\n\r\n")
                    .contains("Content-Length: 0\r\n", "Connection: close\r\n");
            assertThat(sent.get()).isEqualTo(body); // every byte taken (and dropped): no reset
            assertThat(openConnections()).isOne(); // the server waits for the client's FIN
            s.shutdownOutput();
            Await.until(() -> assertThat(openConnections()).isZero());
        }
    }

    @Test
    void shouldEndLingeringAtTheClientsFinWithHalfClosureAllowed() throws Exception {
        // The peer's FIN then shuts the input down instead of closing the channel; the lingering still ends there,
        // long before its bounds.
        start(IxHttpServer.create().childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .lingeringTime(Duration.ofMinutes(10)).lingeringTimeout(Duration.ofMinutes(10)));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(ascii("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n"
                    + "x".repeat(20_000)));

            assertThat(readUntilEof(s.getInputStream())).startsWith("HTTP/1.1 413 ");
            s.shutdownOutput();
            Await.until(() -> assertThat(openConnections()).isZero());
        }
    }

    @Test
    void shouldCloseALingeringConnectionWhenTheClientSendsNothingForTheLingeringTimeout() throws Exception {
        start(IxHttpServer.create().lingeringTimeout(Duration.ofMillis(200)));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            long start = System.nanoTime();
            s.getOutputStream().write(ascii("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n"
                    + "x".repeat(20_000))); // then neither more bytes nor a close

            assertThat(readUntilEof(s.getInputStream())).startsWith("HTTP/1.1 413 ");
            Await.until(() -> assertThat(openConnections()).isZero());
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
        }
    }

    @Test
    void shouldCloseALingeringConnectionAfterTheLingeringTimeWhileTheClientStillSends() throws Exception {
        start(IxHttpServer.create().lingeringTime(Duration.ofMillis(300)));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            long start = System.nanoTime();
            OutputStream out = s.getOutputStream();
            out.write(ascii("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 100000000\r\n\r\n"));
            CompletableFuture<Long> sent = sendInBackground(out, Long.MAX_VALUE, 10); // 1 KiB every 10 ms, "forever"

            assertThat(readUntilEof(s.getInputStream())).startsWith("HTTP/1.1 413 ");
            // The server closed on a client still sending: its later bytes are answered with a reset.
            assertThatThrownBy(sent::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
            Await.until(() -> assertThat(openConnections()).isZero());
        }
    }

    @Test
    void shouldCloseAtOnceWithoutLingeringWhenItIsOff() throws Exception {
        start(IxHttpServer.create().lingeringTime(Duration.ZERO));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(ascii("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 100000000\r\n\r\n"));
            CompletableFuture<Long> sent = sendInBackground(out, 100_000_000, 0);

            // Nothing drains the client's bytes: its writes fail (reset) long before it sent them all.
            assertThatThrownBy(sent::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
            Await.until(() -> assertThat(openConnections()).isZero());
        }
    }

    @Test
    void shouldDropPipelinedRequestsBehindAClosingRequestWhileTheClientKeepsSendingThem() throws Exception {
        start(IxHttpServer.create());
        byte[] requests = ascii(("GET /b HTTP/1.1\r\nHost: h\r\n\r\n" + GARBAGE).repeat(1000));
        int total = 4 << 20;
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(ascii("GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
            CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> {
                try {
                    long n = 0;
                    for (; n < total; n += requests.length) {
                        out.write(requests);
                    }
                    return n;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, Thread::startVirtualThread);

            String answer = readUntilEof(s.getInputStream());

            assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("Connection: close\r\n")
                    .endsWith("\r\n\r\na");
            assertThat(sent.get()).isGreaterThanOrEqualTo(total);
            s.shutdownOutput();
            Await.until(() -> assertThat(openConnections()).isZero());
        }
        assertThat(behind).hasValue(0);
        assertThat(parseErrors()).isZero();
    }

    private double openConnections() {
        Gauge g = registry.find(HttpServerMetrics.CONNECTIONS_TOTAL).gauge();
        return g == null ? 0 : g.value();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Writes {@code total} bytes, 64 KiB at a time (1 KiB with a pause), on a thread of its own.
     *
     * @return the bytes written, or an {@link IOException} when a write failed (the connection was reset)
     */
    private static CompletableFuture<Long> sendInBackground(OutputStream out, long total, long pauseMillis) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        byte[] chunk = new byte[pauseMillis > 0 ? 1024 : 64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        Thread.ofPlatform().daemon().start(() -> {
            long n = 0;
            try {
                while (n < total) {
                    int len = (int) Math.min(chunk.length, total - n);
                    out.write(chunk, 0, len);
                    n += len;
                    if (pauseMillis > 0) {
                        Thread.sleep(pauseMillis);
                    }
                }
                done.complete(n);
            } catch (IOException | InterruptedException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** @return all bytes until the server's FIN; fails when the connection is reset instead */
    private static String readUntilEof(InputStream in) {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] b = new byte[4096];
        try {
            for (int n; (n = in.read(b)) != -1; ) {
                read.write(b, 0, n);
            }
        } catch (IOException e) {
            throw new AssertionError("the connection failed instead of ending with a FIN after: "
                    + read.toString(StandardCharsets.ISO_8859_1), e);
        }
        return read.toString(StandardCharsets.ISO_8859_1);
    }
}
