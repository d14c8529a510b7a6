package dev.ix.reactor;

import dev.ix.transport.IxLoop;
import dev.ix.transport.test.Poll;
import dev.ix.transport.test.RequiresIoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link IxInbound#receive()} seen through reactor-test's {@code StepVerifier}, from the client side: a plain socket
 * server writes, an ix connection without handler receives, and the verifier's demand is all that reads.
 */
@RequiresIoUring
class IxInboundStepVerifierTest {
    private final Sinks.One<Socket> peer = Sinks.one();
    private ServerSocket listener;

    @BeforeEach
    void listen() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try {
                peer.tryEmitValue(listener.accept());
            } catch (IOException e) {
                peer.tryEmitError(e);
            }
        });
    }

    @AfterEach
    void close() throws IOException {
        listener.close();
    }

    private IxConnection connect() {
        return IxTcpClient.create().host("127.0.0.1").port(listener.getLocalPort()).connectNow();
    }

    @Test
    void eachRequestReadsOnceAndNothingArrivesWithoutDemand() throws Exception {
        IxConnection c = connect();
        Socket s = peer.asMono().block(Duration.ofSeconds(10));
        StepVerifier.create(c.inbound().receive().asString(), 0)
                .then(() -> write(s, "one"))
                .expectNoEvent(Duration.ofMillis(100)) // the bytes wait in the socket: no demand, no receive
                .thenRequest(1)
                .expectNext("one")
                .then(() -> write(s, "two"))
                .thenRequest(1)
                .expectNext("two")
                .then(() -> shutdownOutput(s))
                .expectComplete() // the peer's FIN completes the Flux
                .verify(Duration.ofSeconds(10));
        c.disposeNow(Duration.ofSeconds(5));
        s.close();
    }

    @Test
    void aResetIsAnErrorSignal() throws Exception {
        IxConnection c = connect();
        Socket s = peer.asMono().block(Duration.ofSeconds(10));
        StepVerifier.create(c.inbound().receive())
                .then(() -> reset(s))
                .expectError(IOException.class)
                .verify(Duration.ofSeconds(10));
        assertThat(Poll.until(c::isDisposed)).as("a failed connection closes").isTrue();
    }

    @Test
    void aSecondSubscriberIsRefusedWithAReason() {
        IxConnection c = connect();
        c.inbound().receive().subscribe();
        StepVerifier.create(c.inbound().receive())
                .expectErrorMatches(e -> e instanceof IllegalStateException
                        && e.getMessage().contains("one only"))
                .verify(Duration.ofSeconds(10));
        c.disposeNow(Duration.ofSeconds(5));
    }

    @Test
    void cancellingGivesEveryReceivedBufferBack() {
        IxConnection c = connect();
        Socket s = peer.asMono().block(Duration.ofSeconds(10));
        IxLoop loop = IxLoop.of(c.channel().eventLoop()).orElseThrow();
        StepVerifier.create(c.inbound().receive().asString(), 1)
                .then(() -> write(s, "x".repeat(100_000)))
                .expectNextCount(1)
                .thenCancel()
                .verify(Duration.ofSeconds(10));
        c.disposeNow(Duration.ofSeconds(5));
        assertThat(waitForFullPool(loop)).as("mbufs in use after the cancel and close").isTrue();
    }

    private static boolean waitForFullPool(IxLoop loop) {
        try {
            return Poll.until(() -> loop.stats().mbufsInUse() == 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void write(Socket s, String text) {
        try {
            s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void shutdownOutput(Socket s) {
        try {
            s.shutdownOutput();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
            s.close();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
