package dev.ix.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recording a request in the metrics allocates nothing once each meter it touches exists: the bytes this thread
 * allocated (HotSpot's per-thread counter, as {@link RequestParserAllocationTest} reads it) over many recordings,
 * across routes, methods, statuses, the 404/405 fallbacks and the error counters, stay at the counter's noise.
 */
class LoopMetricsAllocationTest {
    private static final int RECORDINGS = 100_000;
    /** What reading the counter itself may allocate, whatever the code between two reads did. */
    private static final long NOISE = 1024;
    private static final HttpMethod[] METHODS = {HttpMethod.GET, HttpMethod.POST, HttpMethod.HEAD, HttpMethod.OTHER};
    private static final int[] STATUSES = {200, 201, 404, 500};

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final HttpServerMetrics server = new HttpServerMetrics(registry, 100);
    private final LoopMetrics metrics = new LoopMetrics(server);
    private final HttpRouter.Route[] routes = {route("/plaintext"), route("/json"), route("/users/{id}"), null};
    private final Throwable failure = new IllegalStateException("recorded, not thrown");

    private static HttpRouter.Route route(String path) {
        return new HttpRouter.Route("GET", new PathTemplate(path), (req, res) -> Mono.empty());
    }

    @Test
    void recordsRequestsWithoutAllocating() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();

        record(); // creates every meter, and compiles the path
        long before = threads.getThreadAllocatedBytes(thread);
        long checksum = record();
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertThat(checksum).isPositive();
        assertThat(allocated).as("bytes allocated by %d recordings", RECORDINGS).isLessThan(NOISE);
        long timed = registry.get(HttpServerMetrics.REQUESTS).timers().stream().mapToLong(t -> t.count()).sum();
        assertThat(timed).isEqualTo(2L * RECORDINGS);
        assertThat(registry.get(HttpServerMetrics.REQUESTS).tag("uri", HttpServerMetrics.NOT_FOUND).timers())
                .isNotEmpty();
        assertThat(registry.get(HttpServerMetrics.ERRORS).tag("kind", "timeout").tag("cause", "header").counter()
                .count()).isEqualTo(2.0 * (RECORDINGS / 256 + 1));
    }

    /** @return something of every recording, so the JIT cannot drop the work */
    private long record() {
        long sum = 0;
        for (int i = 0; i < RECORDINGS; i++) {
            HttpRouter.Route route = routes[i & 3];
            int status = route == null ? ((i & 4) == 0 ? 404 : 405) : STATUSES[(i >> 2) & 3];
            HttpMethod method = METHODS[(i >> 4) & 3];
            metrics.connectionBusy();
            metrics.request(route, method, status, 1_000 + i, i & 1023, 13);
            metrics.connectionIdle();
            if ((i & 255) == 0) {
                metrics.parseError(400);
                metrics.handlerError(failure);
                metrics.timeout("header");
            }
            sum += method.ordinal() + status;
        }
        return sum;
    }
}
