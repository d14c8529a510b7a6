package dev.ix.reactor;

import dev.ix.transport.IxLoop;
import dev.ix.transport.IxServerSocketChannel;
import dev.ix.transport.IxSocketChannel;
import dev.ix.transport.IxTransport;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Reactor Netty's own HttpServer and HttpClient, run on ix loops through {@link IxLoopResources}. */
class IxLoopResourcesTest {
    private IxLoopResources loops;
    private DisposableServer server;

    @BeforeEach
    void ix() {
        if (!IxTransport.isAvailable()) {
            // The build sets dev.ix.test.requireIoUring=true: a machine that should have io_uring fails, not skips.
            assertThat(Boolean.getBoolean("dev.ix.test.requireIoUring"))
                    .as("io_uring unavailable: %s", IxTransport.unavailabilityCause()).isFalse();
            assumeTrue(false, () -> "io_uring unavailable: " + IxTransport.unavailabilityCause());
        }
        loops = IxLoopResources.create(2);
    }

    @AfterEach
    void shutdown() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(10));
        }
        if (loops != null) {
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(30));
            assertThat(loops.isDisposed()).isTrue();
        }
    }

    @Test
    void reactorNettysHttpServerServesOnIxLoopsWithItsHandlersOnThem() throws Exception {
        Map<String, Boolean> handlerThreads = new ConcurrentHashMap<>();
        server = HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
                .handle((req, res) -> {
                    handlerThreads.put(Thread.currentThread().getName(), IxLoop.current().isPresent());
                    return res.sendString(Mono.just("Hello, World!"));
                })
                .bindNow();
        assertThat(server.channel()).isInstanceOf(IxServerSocketChannel.class);
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/plaintext")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("Hello, World!");
            }
        }
        assertThat(handlerThreads).isNotEmpty().allSatisfy((name, onIxLoop) -> {
            assertThat(name).startsWith(IxLoopResources.THREAD_NAME_PREFIX + "-");
            assertThat(onIxLoop).as("%s is an ix loop", name).isTrue();
        });
    }

    @Test
    void reactorNettysHttpClientRunsOnIxToo() {
        server = HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
                .handle((req, res) -> res.send(req.receive().retain()))
                .bindNow();
        String body = "x".repeat(100_000);
        String echoed = HttpClient.create().runOn(loops).port(server.port()).host("127.0.0.1")
                .post().uri("/echo").send(reactor.netty.ByteBufFlux.fromString(Mono.just(body)))
                .responseSingle((res, content) -> content.asString())
                .block(Duration.ofSeconds(30));
        assertThat(echoed).isEqualTo(body);
    }

    @Test
    void answersForTcpChannelsAndRefusesOthersWithAReason() {
        assertThat(loops.onChannelClass(ServerSocketChannel.class, loops.onServer(true)))
                .isEqualTo(IxServerSocketChannel.class);
        assertThat(loops.onChannelClass(SocketChannel.class, loops.onClient(true))).isEqualTo(IxSocketChannel.class);
        assertThat(loops.onChannel(SocketChannel.class, loops.onClient(true))).isInstanceOf(IxSocketChannel.class);
        assertThatThrownBy(() -> loops.onChannelClass(DatagramChannel.class, loops.onClient(true)))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("TCP only");
        assertThat(loops.daemon()).isTrue();
    }

    @ParameterizedTest(name = "preferNative={0}")
    @ValueSource(booleans = {true, false})
    void runOnServesOnIxWhetherOrNotNativeIsPreferred(boolean preferNative) {
        // runOn(resources, preferNative) hands preferNative to onServer/onClient; ix has one kind of loop for both.
        server = HttpServer.create().host("127.0.0.1").port(0).runOn(loops, preferNative)
                .handle((req, res) -> res.sendString(Mono.just(Thread.currentThread().getName())))
                .bindNow();

        String handlerThread = HttpClient.create().runOn(loops, preferNative).port(server.port()).host("127.0.0.1")
                .get().uri("/").responseContent().aggregate().asString().block();

        assertThat(server.channel()).isInstanceOf(IxServerSocketChannel.class);
        assertThat(handlerThread).startsWith(IxLoopResources.THREAD_NAME_PREFIX + "-");
    }
}
