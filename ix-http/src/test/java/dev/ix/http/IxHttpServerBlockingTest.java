package dev.ix.http;

import dev.ix.reactor.IxServer;
import dev.ix.reactor.test.BlockingCalls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Run to completion is enforced in this module's tests: BlockHound runs in every test JVM (ix-reactor's
 * {@code BlockHoundSessionListener}) and {@code BlockingCallsExtension} fails any test class after which a loop
 * thread blocked. This class checks the net is there: a handler that sleeps on its loop is caught, answered 500,
 * and the connection serves on.
 */
class IxHttpServerBlockingTest {
    private static IxServer server;

    @BeforeAll
    static void start() {
        server = IxHttpServer.create().loops(1).route(r -> r
                .get("/sleeps", (req, res) -> {
                    try {
                        Thread.sleep(1); // a blocking call on the loop: what BlockHound must catch
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return res.sendString("slept");
                })
                .get("/hello", (req, res) -> res.sendString("Hello, World!")))
                .bindNow();
    }

    @AfterAll
    static void stop() {
        server.disposeNow(Duration.ofSeconds(10));
    }

    @Test
    void aHandlerThatBlocksItsLoopIsCaughtAndAnswered500() throws Exception {
        BlockingCalls.drain();
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response blocked = c.send("GET /sleeps HTTP/1.1\r\nHost: h\r\n\r\n").read();
            RawHttpClient.Response next = c.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n").read();

            List<BlockingOperationError> calls = BlockingCalls.drain();
            assertThat(blocked.status()).isEqualTo(500);
            assertThat(next.body()).isEqualTo("Hello, World!");
            assertThat(calls).hasSize(1);
            assertThat(calls.getFirst().getMessage()).contains("sleep");
        }
    }
}
