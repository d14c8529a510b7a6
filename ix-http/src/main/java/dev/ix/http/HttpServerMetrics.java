package dev.ix.http;

import dev.ix.reactor.IxServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Micrometer meters of one bound server, named as Reactor Netty's {@code reactor.netty.http.server.*} under
 * {@code ix.http.server.*} (the module README has the table). Holds what the loops share: the registry, the
 * {@code uri} tag values admitted under the cap, the connection gauges, and one {@link LoopMetrics} per loop, where
 * the meters are cached and recorded. Only this class and {@link LoopMetrics} touch Micrometer, so Micrometer
 * (an optional dependency) is needed only when metrics are on. Thread-safe.
 */
final class HttpServerMetrics {
    static final String REQUESTS = "ix.http.server.requests";
    static final String DATA_RECEIVED = "ix.http.server.data.received";
    static final String DATA_SENT = "ix.http.server.data.sent";
    static final String ERRORS = "ix.http.server.errors";
    static final String CONNECTIONS_TOTAL = "ix.http.server.connections.total";
    static final String CONNECTIONS_ACTIVE = "ix.http.server.connections.active";
    /** The {@code uri} of a request no route's path matched (404), as Spring's {@code WebFluxTags}. */
    static final String NOT_FOUND = "NOT_FOUND";
    /** The {@code uri} of a request whose path matched routes of other methods only (405). */
    static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";
    /** The {@code uri} of every route template past {@code maxUriTags}. */
    static final String OTHER = "OTHER";

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(HttpServerMetrics.class);

    private final MeterRegistry registry;
    private final int maxUriTags;
    /** Route templates with a {@code uri} value of their own; guarded by {@code this}. */
    private final Set<String> admitted = new HashSet<>();
    private boolean warned;
    private final Map<EventExecutor, LoopMetrics> loops = new ConcurrentHashMap<>();
    private final List<Meter> gauges = new ArrayList<>(2);

    /**
     * @param registry   where the meters go
     * @param maxUriTags how many distinct route templates get their own {@code uri} value; the rest share
     *                   {@value #OTHER}
     */
    HttpServerMetrics(MeterRegistry registry, int maxUriTags) {
        this.registry = registry;
        this.maxUriTags = maxUriTags;
    }

    MeterRegistry registry() {
        return registry;
    }

    /** @return the meters of {@code loop}, created on its first connection; call on {@code loop} */
    LoopMetrics forLoop(EventExecutor loop) {
        LoopMetrics m = loops.get(loop);
        return m != null ? m : loops.computeIfAbsent(loop, l -> new LoopMetrics(this));
    }

    /**
     * The {@code uri} value of a route template: the template itself while fewer than {@code maxUriTags} distinct
     * templates have one, else {@value #OTHER} (with one WARN, the first time). Called once per loop and route, on
     * the route's first request there.
     */
    synchronized String uriTag(String template) {
        if (admitted.contains(template)) {
            return template;
        }
        if (admitted.size() < maxUriTags) {
            admitted.add(template);
            return template;
        }
        if (!warned) {
            warned = true;
            logger.warn("{}: {} route templates have a uri tag value (maxUriTags); '{}' and any later one are "
                    + "tagged uri={}", REQUESTS, maxUriTags, template, OTHER);
        }
        return OTHER;
    }

    /**
     * Registers the connection gauges of {@code server}, tagged with its {@code local.address} (as Reactor Netty
     * does, so that two servers on one registry stay apart), and removes them when it is disposed (so that a server
     * bound again on the same address registers its own).
     */
    void bound(IxServer server) {
        String local = server.host() + ":" + server.port();
        synchronized (gauges) {
            gauges.add(Gauge.builder(CONNECTIONS_TOTAL, this, HttpServerMetrics::openConnections)
                    .description("connections open").tag("local.address", local).strongReference(true)
                    .register(registry));
            gauges.add(Gauge.builder(CONNECTIONS_ACTIVE, this, HttpServerMetrics::activeConnections)
                    .description("connections with a request in flight").tag("local.address", local)
                    .strongReference(true).register(registry));
        }
        server.onDispose().subscribe(null, e -> unbind(), this::unbind);
    }

    private void unbind() {
        synchronized (gauges) {
            for (Meter g : gauges) {
                registry.remove(g);
            }
            gauges.clear();
        }
    }

    private double openConnections() {
        int n = 0;
        for (LoopMetrics m : loops.values()) {
            n += m.openConnections();
        }
        return n;
    }

    private double activeConnections() {
        int n = 0;
        for (LoopMetrics m : loops.values()) {
            n += m.activeConnections();
        }
        return n;
    }
}
