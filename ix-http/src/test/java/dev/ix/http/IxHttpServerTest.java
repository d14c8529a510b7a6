package dev.ix.http;

import dev.ix.reactor.IxServer;
import dev.ix.transport.IxLoop;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class IxHttpServerTest {
    private static IxServer server;
    private static HttpClient client;
    private static volatile Mono<Void> keptSend;

    @BeforeAll
    static void start() {
        server = IxHttpServer.create().loops(1).route(r -> r
                .get("/hello", (req, res) -> res.contentType("text/plain").sendString("Hello, World!"))
                .post("/echo", (req, res) -> res.send(req.body()))
                .get("/users/{id}/posts/{post}", (req, res) ->
                        res.sendString("user " + req.param("id") + " post " + req.param("post")))
                .get("/query", (req, res) -> res.sendString(req.queryParam("a") + "|" + req.header("X-Test")))
                .get("/n/{i}", (req, res) -> {
                    int i = Integer.parseInt(req.param("i"));
                    Mono<Void> send = res.sendString("n" + i);
                    // Odd ones answer later, off the loop: responses must still come in request order.
                    return i % 2 == 0 ? send : Mono.delay(Duration.ofMillis(1)).then(send);
                })
                .get("/chunks", (req, res) -> res.send(Flux.just("a", "bb", "ccc")
                        .map(s -> Unpooled.copiedBuffer(s, StandardCharsets.UTF_8))))
                .get("/throws", (req, res) -> {
                    throw new IllegalStateException("handler bug (expected by the test)");
                })
                .get("/errors", (req, res) -> Mono.error(new UnsupportedOperationException("expected by the test")))
                .get("/loop", (req, res) -> res.sendString(IxLoop.current().isPresent() ? "on loop" : "elsewhere"))
                .get("/empty", (req, res) -> Mono.empty())
                .get("/split", (req, res) -> res.header("X-Bad", "a\r\nSet-Cookie: x").sendString("never"))
                .put("/things/{id}", (req, res) -> res.status(204).send(Mono.empty()))
                .get("/keep-send", (req, res) -> {
                    // A send made and never returned: its buffer is released when the exchange ends (paranoid leak
                    // detection fails the class otherwise); subscribing to it later fails, leaving other requests be.
                    keptSend = res.send(Unpooled.copiedBuffer("never sent", StandardCharsets.UTF_8));
                    return Mono.empty();
                })
                .get("/late-send", (req, res) -> {
                    Mono<Void> kept = keptSend;
                    keptSend = null;
                    return kept.onErrorResume(IllegalStateException.class,
                            e -> res.sendString("refused: " + e.getMessage()));
                })
                .get("/twice", (req, res) -> {
                    Mono<Void> first = res.sendString("first");
                    Mono<Void> second = res.sendString("second");
                    return second.then(first).onErrorResume(IllegalStateException.class, e -> Mono.empty());
                }))
                .bindNow();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.disposeNow(Duration.ofSeconds(10));
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Test
    void shouldAnswerGetWithContentLength() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/hello")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("Hello, World!");
        assertThat(r.headers().firstValue("content-length")).hasValue("13");
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain");
    }

    @Test
    void shouldEchoPostedBody() throws Exception {
        String body = "x".repeat(100_000);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(body);
    }

    @Test
    void shouldPassPathVariablesQueryParametersAndHeaders() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/users/42/posts/7")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> q = client.send(HttpRequest.newBuilder(uri("/query?b=1&a=x%20y")).header("X-Test", "t")
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.body()).isEqualTo("user 42 post 7");
        assertThat(q.body()).isEqualTo("x y|t");
    }

    @Test
    void shouldPercentDecodePathVariablesAsUtf8AndKeepPlus() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response r = c.send("GET /users/caf%C3%A9%20%2F%25/posts/a+b HTTP/1.1\r\nHost: h\r\n\r\n")
                    .read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(new String(r.body().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))
                    .isEqualTo("user caf\u00e9 /% post a+b");
        }
    }

    @Test
    void shouldAnswerMalformedEscapeInPathVariableWith400AndKeepTheConnection() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            for (String variable : new String[] {"%G1", "12%4", "%", "a%2"}) {
                RawHttpClient.Response r = c.send("GET /users/" + variable + "/posts/1 HTTP/1.1\r\nHost: h\r\n\r\n")
                        .read();

                assertThat(r.status()).as(variable).isEqualTo(400);
                assertThat(r.headers()).as(variable).doesNotContainKey("connection");
            }
            assertThat(c.send("GET /users/1/posts/%41 HTTP/1.1\r\nHost: h\r\n\r\n").read().body())
                    .isEqualTo("user 1 post A");
        }
    }

    @Test
    void shouldPercentDecodeQueryParametersWithPlusAsSpace() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            String request = "GET /query?%61=x+y%26z%C3%A9&a=second HTTP/1.1\r\nHost: h\r\nX-Test: t\r\n\r\n";
            RawHttpClient.Response r = c.send(request).read();
            RawHttpClient.Response malformed = c.send("GET /query?a=%G1+%4 HTTP/1.1\r\nHost: h\r\nX-Test: t\r\n\r\n")
                    .read();
            RawHttpClient.Response absent = c.send("GET /query?&b&ab=1 HTTP/1.1\r\nHost: h\r\nX-Test: t\r\n\r\n")
                    .read();
            RawHttpClient.Response empty = c.send("GET /query?b&a HTTP/1.1\r\nHost: h\r\nX-Test: t\r\n\r\n").read();

            assertThat(new String(r.body().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))
                    .isEqualTo("x y&z\u00e9|t");
            assertThat(malformed.body()).isEqualTo("%G1+%4|t");
            assertThat(absent.body()).isEqualTo("null|t");
            assertThat(empty.body()).isEqualTo("|t");
        }
    }

    @Test
    void shouldRunHandlersOnTheConnectionsLoop() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/loop")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.body()).isEqualTo("on loop");
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrder() throws Exception {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            requests.append("GET /n/").append(i).append(" HTTP/1.1\r\nHost: h\r\n\r\n");
        }
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            c.send(requests.toString());
            for (int i = 0; i < 20; i++) {
                RawHttpClient.Response r = c.read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("n" + i);
            }
        }
    }

    @Test
    void shouldCloseAfterResponseWhenClientAsksConnectionClose() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response r = c.send("GET /hello HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers()).containsEntry("connection", "close");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void shouldCloseHttp10ConnectionWithoutKeepAlive() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response r = c.send("GET /hello HTTP/1.0\r\n\r\n").read();

            assertThat(r.body()).isEqualTo("Hello, World!");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void shouldKeepHttp10ConnectionOpenWhenAsked() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response r = c.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
            RawHttpClient.Response again = c.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();

            assertThat(r.headers()).containsEntry("connection", "keep-alive");
            assertThat(again.body()).isEqualTo("Hello, World!");
        }
    }

    @Test
    void shouldAnswerMalformedRequestWith400AndClose() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response r = c.send("GET /hello HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n").read();

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.headers()).containsEntry("connection", "close");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void shouldAnswerOversizedHeaderSectionWith431() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response r = c.send("GET /hello HTTP/1.1\r\nHost: h\r\nX-Big: " + "b".repeat(9000)
                    + "\r\n\r\n").read();

            assertThat(r.status()).isEqualTo(431);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void shouldAnswerDeclaredBodyOverLimitWith413() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response r = c.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 2000000\r\n\r\n")
                    .read();

            assertThat(r.status()).isEqualTo(413);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void shouldAnswer500InsteadOfSplittingTheResponse() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response r = c.send("GET /split HTTP/1.1\r\nHost: h\r\n\r\n").read();

            assertThat(r.status()).isEqualTo(500);
            assertThat(r.headers()).doesNotContainKeys("set-cookie", "x-bad");
        }
    }

    @Test
    void shouldAnswerUnknownPathWith404() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/nowhere")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(404);
    }

    @Test
    void shouldAnswerWrongMethodWith405AndAllow() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/hello")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("allow")).hasValue("GET, HEAD");
    }

    @Test
    void shouldAnswerHeadWithHeadersButNoBody() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response r = c.send("HEAD /hello HTTP/1.1\r\nHost: h\r\n\r\n").read(true);
            RawHttpClient.Response next = c.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n").read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers()).containsEntry("content-length", "13");
            assertThat(next.body()).isEqualTo("Hello, World!"); // so no body bytes followed the HEAD response
        }
    }

    @Test
    void shouldSendMultiBufferPublisherChunked() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response r = c.send("GET /chunks HTTP/1.1\r\nHost: h\r\n\r\n").read();
            RawHttpClient.Response next = c.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n").read();

            assertThat(r.headers()).containsEntry("transfer-encoding", "chunked").doesNotContainKey("content-length");
            assertThat(r.body()).isEqualTo("abbccc");
            assertThat(next.body()).isEqualTo("Hello, World!");
        }
    }

    @Test
    void shouldSendMultiBufferPublisherUntilCloseToHttp10() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response r = c.send("GET /chunks HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();

            assertThat(r.headers()).containsEntry("connection", "close").doesNotContainKey("transfer-encoding");
            assertThat(r.body()).isEqualTo("abbccc");
        }
    }

    @Test
    void shouldAnswer500WhenHandlerThrowsAndKeepConnectionUsable() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response thrown = c.send("GET /throws HTTP/1.1\r\nHost: h\r\n\r\n").read();
            RawHttpClient.Response errored = c.send("GET /errors HTTP/1.1\r\nHost: h\r\n\r\n").read();
            RawHttpClient.Response next = c.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n").read();

            assertThat(thrown.status()).isEqualTo(500);
            assertThat(errored.status()).isEqualTo(500);
            assertThat(next.body()).isEqualTo("Hello, World!");
        }
    }

    @Test
    void shouldAnswerEmpty200WhenHandlerSendsNothing() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/empty")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> noContent = client.send(HttpRequest.newBuilder(uri("/things/1"))
                .PUT(HttpRequest.BodyPublishers.ofString("ignored")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-length")).hasValue("0");
        assertThat(noContent.statusCode()).isEqualTo(204);
        assertThat(noContent.headers().firstValue("content-length")).isEmpty();
    }

    @Test
    void shouldSend100ContinueBeforeReadingTheBody() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response interim = c.send("POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 5\r\n\r\n").read();
            RawHttpClient.Response r = c.send("hello").read();

            assertThat(interim.status()).isEqualTo(100);
            assertThat(r.body()).isEqualTo("hello");
        }
    }

    @Test
    void shouldReleaseBodyTheHandlerDidNotRead() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response r = c.send("POST /hello HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /hello HTTP/1.1\r\nHost: h\r\n\r\n").read();
            RawHttpClient.Response next = c.read();

            assertThat(r.status()).isEqualTo(405);
            assertThat(next.status()).isEqualTo(200);
        }
    }


    @Test
    void shouldReleaseAnUnusedSendAndRefuseItAfterTheExchangeEnded() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response kept = c.send("GET /keep-send HTTP/1.1\r\nHost: h\r\n\r\n").read();
            // Same connection, same exchange slot: the kept send belongs to the exchange that ended, not this one.
            RawHttpClient.Response late = c.send("GET /late-send HTTP/1.1\r\nHost: h\r\n\r\n").read();
            RawHttpClient.Response next = c.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n").read();

            assertThat(kept.status()).isEqualTo(200);
            assertThat(kept.body()).isEmpty();
            assertThat(late.body()).startsWith("refused: ");
            assertThat(next.body()).isEqualTo("Hello, World!");
        }
    }

    @Test
    void shouldSendOnlyTheFirstSendSubscribed() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response r = c.send("GET /twice HTTP/1.1\r\nHost: h\r\n\r\n").read();
            RawHttpClient.Response next = c.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n").read();

            assertThat(r.body()).isEqualTo("second");
            assertThat(next.body()).isEqualTo("Hello, World!");
        }
    }

    @Test
    void shouldMatchVariablesOfPipelinedRequestsEachInItsOwnSlot() throws Exception {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            requests.append("GET /users/u").append(i).append("/posts/p").append(i).append(" HTTP/1.1\r\nHost: h\r\n\r\n");
        }
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            c.send(requests.toString());
            for (int i = 0; i < 40; i++) {
                assertThat(c.read().body()).isEqualTo("user u" + i + " post p" + i);
            }
        }
    }
}
