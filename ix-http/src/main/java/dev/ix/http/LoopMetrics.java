package dev.ix.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of one loop, looked up once and kept: a request is recorded by reading arrays and maps filled on first
 * use, and by {@code Timer.record(nanos, NANOSECONDS)}; nothing is allocated per request (no tag arrays, no
 * {@code Tags}, no registry lookups: {@code LoopMetricsAllocationTest}). The tables:
 *
 * <pre>
 *   route (identity) ──► UriMeters: uri value, data.received, data.sent,
 *                                   requests[method 0..9][status 100..599] (a method's row made on first use)
 *   no route: 404 ──► UriMeters(NOT_FOUND), 405 ──► UriMeters(METHOD_NOT_ALLOWED)
 *   errors: parse[status 100..599], handler (exception class ──► counter), timeout (name ──► counter)
 * </pre>
 *
 * <p>Loop thread only, except the two connection counts, which gauges read from any thread.
 */
final class LoopMetrics {
    private static final HttpMethod[] METHODS = HttpMethod.values();
    private static final int FIRST_STATUS = 100;
    private static final int STATUSES = 500;

    private final HttpServerMetrics server;
    private final IdentityHashMap<HttpRouter.Route, UriMeters> routes = new IdentityHashMap<>();
    private UriMeters notFound;
    private UriMeters methodNotAllowed;
    private final Counter[] parseErrors = new Counter[STATUSES];
    private final HashMap<Class<?>, Counter> handlerErrors = new HashMap<>();
    private final HashMap<String, Counter> timeouts = new HashMap<>();
    // Written by the loop only, read by gauges: lazySet (no fence on the loop's path) is enough for one writer.
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();

    LoopMetrics(HttpServerMetrics server) {
        this.server = server;
    }

    /**
     * Records one answered request.
     *
     * @param route    the route that handled it, or null when none matched ({@code status} 404 or 405)
     * @param method   its method; {@link HttpMethod#OTHER} is tagged with the route's method when a route of
     *                 another method handled it, else {@code OTHER} (a client cannot grow the tag set)
     * @param status   the status sent, 100..599
     * @param nanos    from its head's arrival to its response's last write
     * @param received its body's bytes (chunk framing removed)
     * @param sent     its response's content bytes (head and chunk framing not counted)
     */
    void request(HttpRouter.Route route, HttpMethod method, int status, long nanos, long received, long sent) {
        UriMeters u = uri(route, status);
        u.timer(method, status).record(nanos, TimeUnit.NANOSECONDS);
        u.received.record(received);
        u.sent.record(sent);
    }

    private UriMeters uri(HttpRouter.Route route, int status) {
        if (route == null) {
            if (status == HttpStatus.METHOD_NOT_ALLOWED.code()) {
                if (methodNotAllowed == null) {
                    methodNotAllowed = new UriMeters(HttpServerMetrics.METHOD_NOT_ALLOWED, HttpMethod.OTHER.name());
                }
                return methodNotAllowed;
            }
            if (notFound == null) {
                notFound = new UriMeters(HttpServerMetrics.NOT_FOUND, HttpMethod.OTHER.name());
            }
            return notFound;
        }
        UriMeters u = routes.get(route);
        if (u == null) {
            u = new UriMeters(server.uriTag(route.path().toString()), route.method());
            routes.put(route, u);
        }
        return u;
    }

    /** A request the parser rejected, answered {@code status}. */
    void parseError(int status) {
        int i = status - FIRST_STATUS;
        Counter c = parseErrors[i];
        if (c == null) {
            c = parseErrors[i] = error("parse", Integer.toString(status));
        }
        c.increment();
    }

    /** A handler threw or signalled {@code t}: counted by its class's simple name (its name when anonymous). */
    void handlerError(Throwable t) {
        Class<?> type = t.getClass();
        Counter c = handlerErrors.get(type);
        if (c == null) {
            String name = type.getSimpleName();
            c = error("handler", name.isEmpty() ? type.getName() : name);
            handlerErrors.put(type, c);
        }
        c.increment();
    }

    /** A connection or request was cut by the timeout {@code which} (a constant: its values become tags). */
    void timeout(String which) {
        Counter c = timeouts.get(which);
        if (c == null) {
            c = error("timeout", which);
            timeouts.put(which, c);
        }
        c.increment();
    }

    private Counter error(String kind, String cause) {
        return Counter.builder(HttpServerMetrics.ERRORS).description("requests that failed, by cause")
                .tag("kind", kind).tag("cause", cause).register(server.registry());
    }

    void connectionOpened() {
        open.lazySet(open.get() + 1);
    }

    void connectionClosed() {
        open.lazySet(open.get() - 1);
    }

    /** A connection's first request in flight arrived. */
    void connectionBusy() {
        active.lazySet(active.get() + 1);
    }

    /** A connection's last request in flight ended. */
    void connectionIdle() {
        active.lazySet(active.get() - 1);
    }

    int openConnections() {
        return open.get();
    }

    int activeConnections() {
        return active.get();
    }

    /** The meters of one route (or fallback) on this loop. */
    private final class UriMeters {
        private final String uri;
        /** The {@code method} value of {@link HttpMethod#OTHER}: a route's own method (say PURGE), else OTHER. */
        private final String otherMethod;
        final DistributionSummary received;
        final DistributionSummary sent;
        /** By method, then status - 100; a row made on its method's first request. */
        private final Timer[][] requests = new Timer[METHODS.length][];

        UriMeters(String uri, String otherMethod) {
            this.uri = uri;
            this.otherMethod = otherMethod;
            this.received = DistributionSummary.builder(HttpServerMetrics.DATA_RECEIVED).baseUnit("bytes")
                    .description("request content received").tag("uri", uri).register(server.registry());
            this.sent = DistributionSummary.builder(HttpServerMetrics.DATA_SENT).baseUnit("bytes")
                    .description("response content sent").tag("uri", uri).register(server.registry());
        }

        Timer timer(HttpMethod method, int status) {
            int m = method.ordinal();
            Timer[] row = requests[m];
            if (row == null) {
                row = requests[m] = new Timer[STATUSES];
            }
            int i = status - FIRST_STATUS;
            Timer t = row[i];
            if (t == null) {
                t = row[i] = Timer.builder(HttpServerMetrics.REQUESTS)
                        .description("requests answered, from the head's arrival to the response's last write")
                        .tag("method", method == HttpMethod.OTHER ? otherMethod : method.name()).tag("uri", uri)
                        .tag("status", Integer.toString(status)).register(server.registry());
            }
            return t;
        }
    }
}
