package dev.ix.http;

import dev.ix.reactor.IxServer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

class IxHttpServerStopTest {
    /** A server whose {@code /slow} counts {@code started} down and answers what {@code release} completes with. */
    private static IxServer server(CountDownLatch started, CompletableFuture<String> release) {
        return server(IxHttpServer.create(), started, release);
    }

    private static IxServer server(IxHttpServer spec, CountDownLatch started, CompletableFuture<String> release) {
        return spec.loops(1).route(r -> r
                .get("/hello", (req, res) -> res.sendString("hello"))
                .get("/slow", (req, res) -> {
                    started.countDown();
                    return res.sendString(Mono.fromFuture(release));
                }))
                .bindNow();
    }

    @Test
    void shouldCloseIdleConnectionsAtOnceAndFinishRequestsInFlightWhenStopping() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> release = new CompletableFuture<>();
        IxServer server = server(started, release);
        try (RawHttpClient idle = new RawHttpClient(server.port());
             RawHttpClient busy = new RawHttpClient(server.port())) {
            assertThat(idle.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n").read().body()).isEqualTo("hello");
            busy.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n");
            started.await();

            Thread stopper = Thread.ofPlatform().start(() -> server.disposeNow(Duration.ofSeconds(60)));

            assertThat(idle.closedByServer()).isTrue(); // while the slow request is still in flight
            release.complete("done");
            RawHttpClient.Response r = busy.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("done");
            assertThat(r.headers()).containsEntry("connection", "close");
            assertThat(busy.closedByServer()).isTrue();
            stopper.join();
        } finally {
            server.disposeNow(Duration.ofSeconds(10));
        }
    }

    @Test
    void shouldAnswerEveryPipelinedRequestQueuedWhenStoppingAndCloseAfterTheLast() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> release = new CompletableFuture<>();
        IxServer server = server(started, release);
        try (RawHttpClient idle = new RawHttpClient(server.port());
             RawHttpClient busy = new RawHttpClient(server.port())) {
            assertThat(idle.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n").read().body()).isEqualTo("hello");
            busy.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n" + "GET /hello HTTP/1.1\r\nHost: h\r\n\r\n".repeat(3));
            started.await();

            Thread stopper = Thread.ofPlatform().start(() -> server.disposeNow(Duration.ofSeconds(60)));
            // The idle connection's close shows the stop reached the loop, which tells its connections at once.
            assertThat(idle.closedByServer()).isTrue();
            release.complete("done");

            RawHttpClient.Response slow = busy.read();
            assertThat(slow.body()).isEqualTo("done");
            assertThat(slow.headers()).doesNotContainKey("connection");
            for (int i = 0; i < 2; i++) {
                RawHttpClient.Response r = busy.read();
                assertThat(r.body()).isEqualTo("hello");
                assertThat(r.headers()).doesNotContainKey("connection");
            }
            RawHttpClient.Response last = busy.read();
            assertThat(last.body()).isEqualTo("hello");
            assertThat(last.headers()).containsEntry("connection", "close");
            assertThat(busy.closedByServer()).isTrue();
            stopper.join();
        } finally {
            server.disposeNow(Duration.ofSeconds(10));
        }
    }

    @Test
    void shouldNotLingerAfterTheLastResponseOfAStopWhenTheClientSentNothingMore() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> release = new CompletableFuture<>();
        // Lingering would hold the connection (and the stop) until the client closes, or for ten minutes.
        IxServer server = server(IxHttpServer.create().lingeringTimeout(Duration.ofMinutes(10)), started, release);
        try (RawHttpClient busy = new RawHttpClient(server.port())) {
            busy.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n");
            started.await();

            Thread stopper = Thread.ofPlatform().start(() -> server.disposeNow(Duration.ofMinutes(10)));
            Thread.sleep(100); // let the stop reach the loop first; the response is the stop's last either way
            release.complete("done");

            assertThat(busy.read().headers()).containsEntry("connection", "close");
            assertThat(busy.closedByServer()).isTrue();
            stopper.join(Duration.ofMinutes(2)); // generous: without lingering the stop ends at once
            assertThat(stopper.isAlive()).as("the stop waits for a client that has not closed").isFalse();
        } finally {
            server.disposeNow(Duration.ofSeconds(10));
        }
    }
}
