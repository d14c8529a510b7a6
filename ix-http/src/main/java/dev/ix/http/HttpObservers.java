package dev.ix.http;

import dev.ix.reactor.IxServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandlerContext;

/**
 * The metrics and access log of one bound server: hands each connection its {@link ConnectionObserver}.
 * Thread-safe.
 */
final class HttpObservers {
    /** Reactor Netty's default cap on distinct {@code uri} tag values. */
    static final int DEFAULT_MAX_URI_TAGS = 100;

    /**
     * What a server spec asks for.
     *
     * @param registry   where meters go; null: no metrics
     * @param maxUriTags distinct route templates tagged as themselves, >= 0
     * @param accessLog  whether to log each request on {@link AccessLog}'s logger
     */
    record Options(MeterRegistry registry, int maxUriTags, boolean accessLog) {
        static final Options OFF = new Options(null, DEFAULT_MAX_URI_TAGS, false);

        Options {
            if (maxUriTags < 0) {
                throw new IllegalArgumentException("maxUriTags: " + maxUriTags + " (expected: >= 0)");
            }
        }
    }

    private final HttpServerMetrics metrics;
    private final boolean accessLog;

    HttpObservers(Options options) {
        // HttpServerMetrics is loaded only here, with a registry: without metrics Micrometer need not be present.
        this.metrics = options.registry() == null ? null
                : new HttpServerMetrics(options.registry(), options.maxUriTags());
        this.accessLog = options.accessLog();
        if (accessLog) {
            AccessLog.prepare();
        }
    }

    /** On the connection's loop, once: @return the observer of the connection of {@code ctx} */
    ConnectionObserver open(ChannelHandlerContext ctx) {
        if (metrics == null && !accessLog) {
            return ConnectionObserver.NONE;
        }
        return new ConnectionObserver(ctx.channel(), metrics == null ? null : metrics.forLoop(ctx.executor()),
                accessLog);
    }

    /** The server is bound: registers its gauges, until it is disposed. */
    void bound(IxServer server) {
        if (metrics != null) {
            metrics.bound(server);
        }
    }
}
