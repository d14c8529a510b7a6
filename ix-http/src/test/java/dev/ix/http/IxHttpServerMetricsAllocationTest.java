package dev.ix.http;

import dev.ix.reactor.IxServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With metrics on, the request path still allocates nothing: {@link IxHttpServerAllocationTest}'s measure (the
 * connection's loop thread's allocated bytes over many plaintext requests over a real socket, one at a time and
 * pipelined by 16) on a server that records every request in a {@link SimpleMeterRegistry}. Leak tracking is off
 * while measuring, for the same reason as there.
 */
class IxHttpServerMetricsAllocationTest {
    private static final int REQUESTS = 16_000;
    private static final int WARM_UP = 48_000;
    private static final long MAX_BYTES_PER_REQUEST = 16;
    private static final String REQUEST = "GET /plaintext HTTP/1.1\r\nHost: localhost:8080\r\n\r\n";

    private static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private static IxServer server;
    private static volatile Thread loopThread;
    private ResourceLeakDetector.Level level;

    @BeforeAll
    static void start() {
        // Every request on one connection: no limit of requests per connection (1000 by default).
        server = IxHttpServer.create().host("127.0.0.1").loops(1).maxRequestsPerConnection(0).metrics(registry)
                .route(r -> r
                .get("/plaintext", (req, res) -> {
                    loopThread = Thread.currentThread();
                    return res.contentType("text/plain").sendString("Hello, World!");
                }))
                .bindNow();
    }

    @AfterAll
    static void stop() {
        server.disposeNow(Duration.ofSeconds(10));
    }

    @BeforeEach
    void untracked() {
        level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    @AfterEach
    void tracked() {
        ResourceLeakDetector.setLevel(level);
    }

    @ParameterizedTest(name = "pipelined {0}")
    @ValueSource(ints = {16, 1})
    void recordsEveryRequestWithoutAllocating(int pipelined) throws Exception {
        try (RawHttpClient client = new RawHttpClient(server.port())) {
            String batch = REQUEST.repeat(pipelined);
            exchange(client, batch, pipelined, WARM_UP);
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long thread = loopThread.threadId();
            long recorded = requests();

            long before = threads.getThreadAllocatedBytes(thread);
            exchange(client, batch, pipelined, REQUESTS);
            long allocated = threads.getThreadAllocatedBytes(thread) - before;

            Await.until(() -> assertThat(requests() - recorded).isEqualTo(REQUESTS));
            assertThat((double) allocated / REQUESTS)
                    .as("bytes the loop allocated per request, metrics on (%d over %d requests)", allocated, REQUESTS)
                    .isLessThanOrEqualTo(MAX_BYTES_PER_REQUEST);
        }
    }

    private static long requests() {
        return registry.get(HttpServerMetrics.REQUESTS).tag("uri", "/plaintext").tag("status", "200").timer()
                .count();
    }

    private static void exchange(RawHttpClient client, String batch, int pipelined, int requests) throws Exception {
        for (int sent = 0; sent < requests; sent += pipelined) {
            client.send(batch);
            for (int i = 0; i < pipelined; i++) {
                RawHttpClient.Response r = client.read();
                if (r.status() != 200 || !r.body().equals("Hello, World!")) {
                    throw new AssertionError("unexpected response " + r);
                }
            }
        }
    }
}
