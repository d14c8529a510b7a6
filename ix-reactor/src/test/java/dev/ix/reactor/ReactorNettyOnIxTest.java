package dev.ix.reactor;

import dev.ix.transport.IxLoop;
import dev.ix.transport.test.IoUringRequirement;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.random.RandomGenerator;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reactor Netty's {@code HttpServer} and {@code HttpClient} used the way their users use them — GET and POST with
 * bodies, chunked responses, keep-alive, {@code sendFile}, compression, a WebSocket upgrade, graceful shutdown — on
 * {@link IxLoopResources} and on Reactor Netty's own default resources, with the same expected results for both.
 * On ix, every handler must run on a {@code reactor-http-ix-*} loop. Server and client share the resources.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(ReactorNettyOnIxTest.Loops.class)
class ReactorNettyOnIxTest {

    /** The resources under test. */
    enum Loops {
        IX {
            @Override
            LoopResources create() {
                IoUringRequirement.check("Reactor Netty on ix");
                return IxLoopResources.create(2);
            }
        },
        REACTOR_NETTY_DEFAULT {
            @Override
            LoopResources create() {
                return LoopResources.create("reactor-default", 2, true);
            }
        };

        abstract LoopResources create();
    }

    private final Loops kind;
    private final Set<String> handlerThreads = ConcurrentHashMap.newKeySet();
    private LoopResources loops;
    private DisposableServer server;
    private ConnectionProvider connections;

    ReactorNettyOnIxTest(Loops kind) {
        this.kind = kind;
    }

    @BeforeEach
    void loops() {
        loops = kind.create();
        connections = ConnectionProvider.create("reactor-netty-on-ix", 1);
    }

    @AfterEach
    void shutdown() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(10));
        }
        connections.disposeLater().block();
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block();
        assertThat(handlerThreads).isNotEmpty().allSatisfy(name -> {
            if (kind == Loops.IX) {
                assertThat(name).startsWith(IxLoopResources.THREAD_NAME_PREFIX + "-");
            } else {
                assertThat(name).startsWith("reactor-default-");
            }
        });
    }

    @Test
    void getAndPostCarryTheirBodies() {
        byte[] large = new byte[300_000];
        RandomGenerator.of("L64X128MixRandom").nextBytes(large);
        String body = new String(large, StandardCharsets.ISO_8859_1);
        bind(HttpServer.create().route(routes -> routes
                .get("/hello/{name}", (req, res) -> res.sendString(Mono.just("Hello, " + req.param("name") + onLoop())))
                .post("/echo", (req, res) -> res.send(req.receive().retain().doOnSubscribe(s -> onLoop())))));

        String hello = client().get().uri("/hello/ix").responseContent().aggregate().asString().block();
        String echoed = client().post().uri("/echo")
                .send(ByteBufFlux.fromString(Mono.just(body), StandardCharsets.ISO_8859_1, ByteBufAllocator.DEFAULT))
                .responseContent().aggregate().asString(StandardCharsets.ISO_8859_1).block();

        assertThat(hello).isEqualTo("Hello, ix");
        assertThat(echoed).isEqualTo(body);
    }

    @Test
    void aStreamedResponseIsChunked() {
        bind(HttpServer.create().handle((req, res) -> res.sendString(
                Flux.range(1, 50).map(i -> "chunk " + i + "\n").doOnSubscribe(s -> onLoop()))));

        var response = client().get().uri("/").responseSingle((res, content) -> content.asString()
                .map(text -> res.responseHeaders().get(HttpHeaderNames.TRANSFER_ENCODING) + "|" + text)).block();

        StringBuilder expected = new StringBuilder("chunked|");
        for (int i = 1; i <= 50; i++) {
            expected.append("chunk ").append(i).append('\n');
        }
        assertThat(response).isEqualTo(expected.toString());
    }

    @Test
    void requestsOfOneClientReuseOneKeptAliveConnection() {
        Set<SocketAddress> peers = ConcurrentHashMap.newKeySet();
        bind(HttpServer.create().handle((req, res) -> {
            onLoop();
            peers.add(req.remoteAddress());
            return res.sendString(Mono.just("ok"));
        }));

        for (int i = 0; i < 10; i++) {
            assertThat(client().get().uri("/").responseContent().aggregate().asString().block()).isEqualTo("ok");
        }

        assertThat(peers).hasSize(1);
    }

    @Test
    void sendFileSendsTheWholeFile(@TempDir Path dir) throws IOException {
        byte[] content = new byte[1_000_000];
        RandomGenerator.of("L64X128MixRandom").nextBytes(content);
        Path file = Files.write(dir.resolve("payload.bin"), content);
        bind(HttpServer.create().handle((req, res) -> {
            onLoop();
            return res.sendFile(file);
        }));

        byte[] received = client().get().uri("/").responseContent().aggregate().asByteArray().block();

        assertThat(received).isEqualTo(content);
    }

    @Test
    void compressesForAClientThatAcceptsGzip() {
        String text = "Hello, compressed World! ".repeat(400);
        bind(HttpServer.create().compress(true).handle((req, res) -> res.sendString(Mono.just(text + onLoop()))));

        var response = client().headers(h -> h.set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.GZIP))
                .get().uri("/").responseSingle((res, content) -> content.asByteArray()
                        .map(bytes -> res.responseHeaders().get(HttpHeaderNames.CONTENT_ENCODING) + "|"
                                + bytes.length + "|" + gunzip(bytes))).block();

        assertThat(response).startsWith("gzip|").endsWith("|" + text);
        int compressedLength = Integer.parseInt(response.split("\\|")[1]);
        assertThat(compressedLength).isLessThan(text.length() / 10);
    }

    @Test
    void upgradesToAWebSocketThatEchoes() {
        bind(HttpServer.create().route(routes -> routes.ws("/ws",
                (in, out) -> out.send(in.receive().retain().doOnSubscribe(s -> onLoop())))));

        List<String> echoed = client().websocket().uri("/ws")
                .handle((in, out) -> Flux.merge(
                        out.sendString(Flux.just("one", "two", "three")).then().then(Mono.<String>empty()),
                        in.receive().asString().take(3)))
                .collectList().block();

        assertThat(echoed).containsExactly("one", "two", "three");
    }

    @Test
    void disposeNowCompletesTheRequestInFlight() throws InterruptedException {
        CountDownLatch received = new CountDownLatch(1);
        bind(HttpServer.create().handle((req, res) -> {
            onLoop();
            received.countDown();
            return res.sendString(Mono.delay(Duration.ofMillis(300)).thenReturn("finished"));
        }));
        CompletableFuture<String> inFlight = client().get().uri("/").responseContent().aggregate().asString()
                .toFuture();
        received.await();

        server.disposeNow(Duration.ofSeconds(10));
        server = null;

        assertThat(inFlight.join()).isEqualTo("finished");
    }

    private void bind(HttpServer configured) {
        server = configured.host("127.0.0.1").port(0).runOn(loops).bindNow();
    }

    private HttpClient client() {
        return HttpClient.create(connections).runOn(loops).baseUrl("http://127.0.0.1:" + server.port());
    }

    /** Records the handler's thread; on ix it must be an ix loop. Returns "" to be appended. */
    private String onLoop() {
        Thread thread = Thread.currentThread();
        handlerThreads.add(thread.getName());
        assertThat(IxLoop.current().isPresent()).as("%s runs an ix loop", thread.getName()).isEqualTo(kind == Loops.IX);
        return "";
    }

    private static String gunzip(byte[] bytes) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
