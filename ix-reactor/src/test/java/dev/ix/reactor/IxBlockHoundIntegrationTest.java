package dev.ix.reactor;

import dev.ix.reactor.test.BlockingCalls;
import dev.ix.transport.IxIoHandler;
import dev.ix.transport.test.RequiresIoUring;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.http.server.HttpServer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * BlockHound on ix loops (installed for every test of the module by {@code BlockHoundSessionListener}): a blocking
 * call on a loop is reported, Reactor Netty serving on ix is not.
 */
@RequiresIoUring
class IxBlockHoundIntegrationTest {
    private IxLoopResources loops;
    private DisposableServer server;

    @BeforeEach
    void loops() {
        loops = IxLoopResources.create(2);
    }

    @AfterEach
    void shutdown() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(10));
        }
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block();
    }

    @Test
    void sleepOnAnIxLoopIsABlockingOperationError() throws Exception {
        EventLoopGroup group = loops.onServer(true);

        Throwable failure = group.next().submit(IxBlockHoundIntegrationTest::sleep).await().cause();

        assertThat(failure).isInstanceOf(BlockingOperationError.class).hasMessageContaining("java.lang.Thread.sleep");
        assertThat(BlockingCalls.drain()).singleElement().isSameAs(failure);
    }

    @Test
    void sleepOnAnIxLoopOfAPlainThreadIsABlockingOperationError() throws Exception {
        // Neither NonBlocking nor a FastThreadLocalThread: only IxBlockHoundIntegration knows this thread is a loop.
        ThreadFactory plain = Thread::new;
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, plain, IxIoHandler.newFactory());
        try {
            Throwable failure = group.next().submit(IxBlockHoundIntegrationTest::sleep).await().cause();

            assertThat(failure).isInstanceOf(BlockingOperationError.class);
            assertThat(BlockingCalls.drain()).singleElement().isSameAs(failure);
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void reactorNettyServingOnIxMakesNoBlockingCall() {
        server = HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
                .route(routes -> routes
                        .get("/hello", (req, res) -> res.sendString(Mono.just("Hello, World!")))
                        .post("/echo", (req, res) -> res.send(req.receive().retain())))
                .bindNow();
        HttpClient client = HttpClient.create().runOn(loops).baseUrl("http://127.0.0.1:" + server.port());

        for (int i = 0; i < 20; i++) {
            assertThat(client.get().uri("/hello").responseContent().aggregate().asString().block())
                    .isEqualTo("Hello, World!");
            String body = "x".repeat(10_000 * i);
            assertThat(client.post().uri("/echo").send(ByteBufFlux.fromString(Mono.just(body)))
                    .responseContent().aggregate().asString().defaultIfEmpty("").block())
                    .isEqualTo(body);
        }

        assertThat(BlockingCalls.drain()).isEmpty();
    }

    @Test
    void handlerThatSleepsOnAnIxLoopIsReported() {
        server = HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
                .handle((req, res) -> {
                    sleep();
                    return res.sendString(Mono.just("slept"));
                })
                .bindNow();

        // BlockingOperationError is an Error: Reactor Netty closes the connection rather than answer 500.
        Mono<String> request = HttpClient.create().runOn(loops).disableRetry(true)
                .get().uri("http://127.0.0.1:" + server.port() + "/")
                .responseContent().aggregate().asString();

        Throwable failure = catchThrowable(request::block);
        List<BlockingOperationError> calls = BlockingCalls.drain();

        assertThat(failure).hasCauseInstanceOf(PrematureCloseException.class);
        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call).hasMessageContaining("java.lang.Thread.sleep");
            assertThat(call.getStackTrace()).anySatisfy(frame ->
                    assertThat(frame.getClassName()).startsWith(IxBlockHoundIntegrationTest.class.getName()));
        });
    }

    /** A blocking call: sleeps one millisecond. */
    private static Void sleep() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }
}
