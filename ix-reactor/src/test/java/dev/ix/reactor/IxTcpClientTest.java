package dev.ix.reactor;

import dev.ix.transport.test.RequiresIoUring;
import dev.ix.transport.IxLoop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@RequiresIoUring
class IxTcpClientTest {
    private static IxServer echo;

    @BeforeAll
    static void startEcho() {
        echo = IxTcpServer.create().host("127.0.0.1").loops(1)
                .handle((in, out) -> out.send(in.receive().retain()))
                .bindNow();
    }

    @AfterAll
    static void stopEcho() {
        echo.disposeNow();
    }

    /** @return what arrives until {@code length} characters came, as one string */
    private static Mono<String> receiveText(IxInbound in, int length) {
        return in.receive().asString()
                .scan(new StringBuilder(), StringBuilder::append)
                .filter(text -> text.length() >= length)
                .next()
                .map(StringBuilder::toString);
    }

    @Test
    void aHandlerTalksToTheServerAndItsEndClosesTheConnection() {
        Sinks.One<String> answer = Sinks.one();
        IxConnection c = IxTcpClient.create().remoteAddress(echo.address())
                .handle((in, out) -> out.sendString(Mono.just("hello"))
                        .then(receiveText(in, 5).doOnNext(answer::tryEmitValue).then()))
                .connectNow();
        StepVerifier.create(answer.asMono()).expectNext("hello").verifyComplete();
        StepVerifier.create(c.onDispose()).verifyComplete();
        assertThat(c.isDisposed()).isTrue();
    }

    @Test
    void withoutAHandlerTheCallerDrivesTheConnection() {
        IxConnection c = IxTcpClient.create().host("127.0.0.1").port(echo.port()).connectNow();
        StepVerifier.create(c.outbound().sendString(Mono.just("abc")).then()).verifyComplete();
        StepVerifier.create(receiveText(c.inbound(), 3)).expectNext("abc").verifyComplete();
        c.disposeNow(Duration.ofSeconds(5));
        StepVerifier.create(c.onDispose()).verifyComplete();
    }

    @Test
    void aClientStartedOnALoopStaysOnThatLoop() throws Exception {
        CompletableFuture<Boolean> sameLoop = new CompletableFuture<>();
        IxServer front = IxTcpServer.create().host("127.0.0.1").loops(1)
                .handle((in, out) -> {
                    var loop = IxLoop.current().orElseThrow().executor();
                    return IxTcpClient.create().remoteAddress(echo.address()).connect()
                            .doOnNext(backend -> {
                                sameLoop.complete(backend.channel().eventLoop() == loop);
                                backend.dispose();
                            })
                            .then();
                })
                .bindNow();
        try (var s = TcpPeer.connect(front.port())) {
            assertThat(sameLoop.get(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            front.disposeNow();
        }
    }

    @Test
    void aHostNameIsLookedUpOffTheLoopAndTheClientStaysOnIt() throws Exception {
        CompletableFuture<String> result = new CompletableFuture<>();
        IxServer front = IxTcpServer.create().host("127.0.0.1").loops(1)
                .handle((in, out) -> {
                    var loop = IxLoop.current().orElseThrow().executor();
                    return IxTcpClient.create().host("localhost").port(echo.port()).connect()
                            .doOnNext(backend -> {
                                result.complete(backend.channel().eventLoop() == loop ? "same loop" : "other loop");
                                backend.dispose();
                            })
                            .doOnError(e -> result.complete("failed: " + e))
                            .then();
                })
                .bindNow();
        try (var s = TcpPeer.connect(front.port())) {
            // BlockingCallsExtension fails the class if the lookup blocked the loop.
            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("same loop");
        } finally {
            front.disposeNow();
        }
    }

    @Test
    void aRefusedConnectFailsTheMonoWithTheCause() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        StepVerifier.create(IxTcpClient.create().host("127.0.0.1").port(closedPort).connect())
                .expectError(ConnectException.class)
                .verify(Duration.ofSeconds(10));
    }
}
