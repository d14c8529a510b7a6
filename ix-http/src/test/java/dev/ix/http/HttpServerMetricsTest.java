package dev.ix.http;

import dev.ix.reactor.IxServer;
import dev.ix.reactor.test.CapturedStderr;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code ix.http.server.*} meters, read from a real registry after requests over real sockets. */
class HttpServerMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Sinks.Empty<Void> release = Sinks.empty();
    @TempDir
    Path dir;
    private IxServer server;

    private void start(int maxUriTags) throws IOException {
        Path file = Files.write(dir.resolve("file"), new byte[3000]);
        server = IxHttpServer.create().host("127.0.0.1").loops(1).metrics(registry, maxUriTags).route(r -> r
                .get("/hello", (req, res) -> res.sendString("Hello, World!"))
                .get("/users/{id}", (req, res) -> res.sendString("user " + req.param("id")))
                .post("/echo", (req, res) -> res.send(req.body()))
                .get("/chunks", (req, res) -> res.send(Flux.just("a", "bb", "ccc")
                        .map(s -> Unpooled.copiedBuffer(s, StandardCharsets.UTF_8))))
                .get("/throws", (req, res) -> {
                    throw new IllegalStateException("expected by the test");
                })
                .get("/errors", (req, res) -> Mono.error(new UnsupportedOperationException("expected by the test")))
                .get("/wait", (req, res) -> release.asMono().then(res.sendString("done")))
                .get("/a", (req, res) -> res.sendString("a"))
                .get("/b", (req, res) -> res.sendString("b"))
                .get("/c", (req, res) -> res.sendString("c"))
                .get("/file", (req, res) -> res.sendFile(file))
                .route("PURGE", "/cache", (req, res) -> res.sendString("purged")))
                .bindNow();
    }

    @AfterEach
    void stop() {
        release.tryEmitEmpty();
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(10));
        }
    }

    private RawHttpClient.Response get(RawHttpClient c, String method, String target) throws Exception {
        return c.send(method + " " + target + " HTTP/1.1\r\nHost: h\r\n\r\n").read(method.equals("HEAD"));
    }

    private Timer requests(String method, String uri, String status) {
        return registry.get(HttpServerMetrics.REQUESTS).tag("method", method).tag("uri", uri).tag("status", status)
                .timer();
    }

    private double gauge(String name) {
        Gauge g = registry.find(name).tag("local.address", "127.0.0.1:" + server.port()).gauge();
        return g == null ? Double.NaN : g.value();
    }

    @Test
    void countsRequestsByMethodRouteTemplateAndStatus() throws Exception {
        start(100);
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            for (int i = 0; i < 3; i++) {
                assertThat(get(c, "GET", "/hello").status()).isEqualTo(200);
            }
            assertThat(get(c, "HEAD", "/hello").status()).isEqualTo(200);
            assertThat(get(c, "GET", "/users/1").body()).isEqualTo("user 1");
            assertThat(get(c, "GET", "/users/2?x=y").body()).isEqualTo("user 2");
            assertThat(get(c, "GET", "/nowhere").status()).isEqualTo(404);
            assertThat(get(c, "GET", "/users/1/more").status()).isEqualTo(404);
            assertThat(get(c, "DELETE", "/hello").status()).isEqualTo(405);
            assertThat(get(c, "PURGE", "/cache").body()).isEqualTo("purged");
            assertThat(get(c, "BREW", "/hello").status()).isEqualTo(405);
            assertThat(get(c, "GET", "/throws").status()).isEqualTo(500);
        }

        Await.until(() -> assertThat(requests("GET", "/throws", "500").count()).isEqualTo(1));
        // A method outside RFC 9110: its route's own name, or OTHER when no route of it handled the request.
        assertThat(requests("PURGE", "/cache", "200").count()).isEqualTo(1);
        assertThat(requests("OTHER", HttpServerMetrics.METHOD_NOT_ALLOWED, "405").count()).isEqualTo(1);
        assertThat(requests("GET", "/hello", "200").count()).isEqualTo(3);
        assertThat(requests("HEAD", "/hello", "200").count()).isEqualTo(1);
        assertThat(requests("GET", "/users/{id}", "200").count()).isEqualTo(2);
        assertThat(requests("GET", HttpServerMetrics.NOT_FOUND, "404").count()).isEqualTo(2);
        assertThat(requests("DELETE", HttpServerMetrics.METHOD_NOT_ALLOWED, "405").count()).isEqualTo(1);
        assertThat(requests("GET", "/hello", "200").totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
                .isPositive();
        assertThat(registry.find(HttpServerMetrics.REQUESTS).tag("uri", "/users/1").timer()).isNull();
    }

    @Test
    void recordsContentBytesReceivedAndSentByRouteTemplate() throws Exception {
        start(100);
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            String body = "x".repeat(1000);
            assertThat(c.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n" + body).read().body())
                    .isEqualTo(body);
            // Chunked both ways: the framing is not counted, the content is.
            assertThat(c.send("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").read().body()).isEqualTo("abcde");
            assertThat(get(c, "GET", "/chunks").body()).isEqualTo("abbccc");
            assertThat(get(c, "GET", "/file").body()).hasSize(3000);
            assertThat(get(c, "HEAD", "/hello").status()).isEqualTo(200);
        }

        Await.until(() -> assertThat(requests("HEAD", "/hello", "200").count()).isEqualTo(1));
        DistributionSummary received = registry.get(HttpServerMetrics.DATA_RECEIVED).tag("uri", "/echo").summary();
        DistributionSummary sent = registry.get(HttpServerMetrics.DATA_SENT).tag("uri", "/echo").summary();
        assertThat(received.count()).isEqualTo(2);
        assertThat(received.totalAmount()).isEqualTo(1005);
        assertThat(sent.totalAmount()).isEqualTo(1005);
        assertThat(registry.get(HttpServerMetrics.DATA_SENT).tag("uri", "/chunks").summary().totalAmount())
                .isEqualTo(6);
        assertThat(registry.get(HttpServerMetrics.DATA_SENT).tag("uri", "/file").summary().totalAmount())
                .isEqualTo(3000);
        // A HEAD response carries a Content-Length but no content.
        assertThat(registry.get(HttpServerMetrics.DATA_SENT).tag("uri", "/hello").summary().totalAmount())
                .isZero();
        assertThat(registry.get(HttpServerMetrics.DATA_SENT).summary().getId().getBaseUnit()).isEqualTo("bytes");
    }

    @Test
    void gaugesOpenAndActiveConnectionsUpAndDown() throws Exception {
        start(100);
        Await.until(() -> assertThat(gauge(HttpServerMetrics.CONNECTIONS_TOTAL)).isZero());
        try (RawHttpClient idle = new RawHttpClient(server.port()); RawHttpClient busy = new RawHttpClient(server.port())) {
            assertThat(get(idle, "GET", "/hello").status()).isEqualTo(200);
            busy.send("GET /wait HTTP/1.1\r\nHost: h\r\n\r\n");

            Await.until(() -> {
                assertThat(gauge(HttpServerMetrics.CONNECTIONS_TOTAL)).isEqualTo(2);
                assertThat(gauge(HttpServerMetrics.CONNECTIONS_ACTIVE)).isEqualTo(1);
            });
            release.tryEmitEmpty();
            assertThat(busy.read().body()).isEqualTo("done");
            Await.until(() -> assertThat(gauge(HttpServerMetrics.CONNECTIONS_ACTIVE)).isZero());
            assertThat(gauge(HttpServerMetrics.CONNECTIONS_TOTAL)).isEqualTo(2);
        }
        Await.until(() -> assertThat(gauge(HttpServerMetrics.CONNECTIONS_TOTAL)).isZero());
        assertThat(gauge(HttpServerMetrics.CONNECTIONS_ACTIVE)).isZero();
    }

    @Test
    void removesItsGaugesWhenDisposed() throws IOException {
        start(100);
        assertThat(gauge(HttpServerMetrics.CONNECTIONS_TOTAL)).isZero();

        server.disposeNow(Duration.ofSeconds(10));

        Await.until(() -> assertThat(registry.find(HttpServerMetrics.CONNECTIONS_TOTAL).gauges()).isEmpty());
        assertThat(registry.find(HttpServerMetrics.CONNECTIONS_ACTIVE).gauges()).isEmpty();
    }

    @Test
    void countsParseErrorsByStatusAndHandlerErrorsByClass() throws Exception {
        start(100);
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            assertThat(get(c, "GET", "/throws").status()).isEqualTo(500);
            assertThat(get(c, "GET", "/errors").status()).isEqualTo(500);
            assertThat(get(c, "GET", "/throws").status()).isEqualTo(500);
        }
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            assertThat(c.send("GET /hello HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n").read().status())
                    .isEqualTo(400);
        }
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            assertThat(c.send("GET /hello HTTP/1.1\r\nHost: h\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n").read()
                    .status()).isEqualTo(431);
        }
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            assertThat(c.send("GET /hello HTTP/2.0\r\n\r\n").read().status()).isEqualTo(505);
        }

        Await.until(() -> assertThat(error("parse", "505")).isEqualTo(1));
        assertThat(error("parse", "400")).isEqualTo(1);
        assertThat(error("parse", "431")).isEqualTo(1);
        assertThat(error("handler", "IllegalStateException")).isEqualTo(2);
        assertThat(error("handler", "UnsupportedOperationException")).isEqualTo(1);
        assertThat(requests("GET", "/errors", "500").count()).isEqualTo(1);
    }

    @Test
    void rejectsANegativeUriTagCap() {
        assertThatThrownBy(() -> IxHttpServer.create().metrics(registry, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxUriTags: -1 (expected: >= 0)");
    }

    private double error(String kind, String cause) {
        Counter c = registry.find(HttpServerMetrics.ERRORS).tag("kind", kind).tag("cause", cause).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void capsDistinctUriValuesAndTagsTheRestOther() throws Exception {
        start(2);
        try (CapturedStderr log = new CapturedStderr(); RawHttpClient c = new RawHttpClient(server.port())) {
            for (String path : new String[] {"/a", "/b", "/c", "/hello", "/a", "/nowhere"}) {
                assertThat(get(c, "GET", path).status()).isIn(200, 404);
            }
            assertThat(log.messages(HttpServerMetrics.class.getName())).singleElement().asString()
                    .contains("maxUriTags", "'/c'");
        }

        Await.until(() -> assertThat(requests("GET", HttpServerMetrics.NOT_FOUND, "404").count()).isEqualTo(1));
        assertThat(requests("GET", "/a", "200").count()).isEqualTo(2);
        assertThat(requests("GET", "/b", "200").count()).isEqualTo(1);
        assertThat(requests("GET", HttpServerMetrics.OTHER, "200").count()).isEqualTo(2);
        assertThat(registry.find(HttpServerMetrics.REQUESTS).tag("uri", "/c").timer()).isNull();
        assertThat(registry.get(HttpServerMetrics.DATA_SENT).tag("uri", HttpServerMetrics.OTHER).summary()
                .totalAmount()).isEqualTo("c".length() + "Hello, World!".length());
    }
}
