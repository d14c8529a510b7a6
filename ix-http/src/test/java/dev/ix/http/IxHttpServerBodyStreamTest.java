package dev.ix.http;

import dev.ix.reactor.IxServer;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link IxHttpRequest#receive()}: the body as it arrives, intact, and read only as fast as the handler asks. */
class IxHttpServerBodyStreamTest {
    private static final int BIG = 64 * 1024 * 1024;

    private static IxServer server;
    private static volatile BaseSubscriber<ByteBuf> held;

    @BeforeAll
    static void start() {
        server = IxHttpServer.create().loops(1)
                .limits(HttpLimits.DEFAULT.withMaxBodySize(2L * BIG))
                .route(r -> r
                        .post("/sha256", (req, res) -> req.receive()
                                .reduceWith(IxHttpServerBodyStreamTest::sha256, (md, b) -> {
                                    md.update(b.nioBuffer());
                                    return md;
                                })
                                .flatMap(md -> res.sendString(HexFormat.of().formatHex(md.digest()))))
                        .post("/held", (req, res) -> Mono.<Long>create(sink -> req.receive().subscribe(
                                        new BaseSubscriber<>() {
                                            private long received;

                                            @Override
                                            protected void hookOnSubscribe(Subscription s) {
                                                held = this;
                                                request(1);
                                            }

                                            @Override
                                            protected void hookOnNext(ByteBuf b) {
                                                received += b.readableBytes();
                                            }

                                            @Override
                                            protected void hookOnComplete() {
                                                sink.success(received);
                                            }

                                            @Override
                                            protected void hookOnError(Throwable t) {
                                                sink.error(t);
                                            }
                                        }))
                                .flatMap(n -> res.sendString("received " + n)))
                        .post("/first-only", (req, res) -> req.receive().take(1).then(res.sendString("took one"))))
                .bindNow();
    }

    @AfterAll
    static void stop() {
        server.disposeNow(Duration.ofSeconds(10));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void streamsAChunkedBodyIntact() throws Exception {
        byte[] body = new byte[3_000_000];
        new Random(42).nextBytes(body);
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            // From an InputStream of unknown length: the JDK client sends it chunked.
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/sha256"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(HexFormat.of().formatHex(sha256().digest(body)));
        }
    }

    @Test
    void stopsReadingWhileTheHandlerAsksForNothingAndReadsOnWhenItAsks() throws Exception {
        try (SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()))) {
            ch.write(ByteBuffer.wrap(("POST /held HTTP/1.1\r\nHost: h\r\nContent-Length: " + BIG + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            ch.configureBlocking(false);
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            long sent = 0;
            long idleSince = System.nanoTime();
            // Write until the kernel takes nothing more for a second: the server stopped reading.
            while (sent < BIG && System.nanoTime() - idleSince < 1_000_000_000L) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), BIG - sent));
                int n = ch.write(chunk);
                if (n > 0) {
                    sent += n;
                    idleSince = System.nanoTime();
                } else {
                    Thread.sleep(10);
                }
            }
            assertThat(sent).as("bytes the client could send while the handler asked for one buffer")
                    .isLessThan(BIG);

            held.requestUnbounded();
            ch.configureBlocking(true);
            while (sent < BIG) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), BIG - sent));
                sent += ch.write(chunk);
            }
            String response = readResponse(ch.socket().getInputStream());
            assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("received " + BIG);
        }
    }

    @Test
    void aCancelledBodyIsReadAndDroppedAndTheConnectionServesOn() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            String body = "x".repeat(200_000);
            RawHttpClient.Response r = c.send("POST /first-only HTTP/1.1\r\nHost: h\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).read();
            RawHttpClient.Response next = c.send("POST /first-only HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\ny")
                    .read();

            assertThat(r.body()).isEqualTo("took one");
            assertThat(next.body()).isEqualTo("took one");
        }
    }

    /** @return the head and body of one response with a Content-Length, as text */
    private static String readResponse(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new java.io.EOFException("closed in the head: " + head);
            }
            head.append((char) c);
        }
        String h = head.toString().toLowerCase(java.util.Locale.ROOT);
        int at = h.indexOf("content-length: ") + "content-length: ".length();
        int length = Integer.parseInt(h.substring(at, h.indexOf("\r\n", at)));
        return head + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }
}
