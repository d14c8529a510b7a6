package dev.ix.http;

import io.netty.channel.Channel;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What one connection reports to the metrics and the access log: the hooks {@link HttpServerHandler} and
 * {@link HttpExchange} call. {@link #NONE} (metrics and access log off) does nothing, not even read the clock.
 * Loop thread only.
 */
final class ConnectionObserver {
    /** Observes nothing; shared by the connections of a server without metrics and access log. */
    static final ConnectionObserver NONE = new ConnectionObserver(null, null, false);

    private final Channel channel;
    private final LoopMetrics metrics;
    private final boolean accessLog;
    private final boolean on;
    private String remote;
    /** Exchanges begun and not yet ended. */
    private int inFlight;
    private boolean closed;

    /**
     * @param metrics   the loop's meters, or null when metrics are off
     * @param accessLog whether to log each request
     */
    ConnectionObserver(Channel channel, LoopMetrics metrics, boolean accessLog) {
        this.channel = channel;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.on = metrics != null || accessLog;
        if (metrics != null) {
            metrics.connectionOpened();
        }
    }

    /** @return the start time of an exchange whose head just arrived, in {@link System#nanoTime()} units; 0 if off */
    long exchangeBegun() {
        if (!on) {
            return 0;
        }
        if (metrics != null && inFlight++ == 0) {
            metrics.connectionBusy();
        }
        return System.nanoTime();
    }

    /**
     * An exchange ended, answered or aborted; called once per {@link #exchangeBegun()}. Recorded when its response
     * head was written (it has a status): a request whose connection closed before it was answered has none.
     */
    void exchangeEnded(HttpExchange e) {
        if (!on) {
            return;
        }
        long nanos = System.nanoTime() - e.startNanos;
        if (metrics != null) {
            if (--inFlight == 0) {
                metrics.connectionIdle();
            }
            if (e.status != 0) {
                metrics.request(e.route, e.request.head().method(), e.status, nanos, e.bytesReceived, e.bytesSent);
            }
        }
        if (accessLog && e.status != 0) {
            AccessLog.request(remote(), e.request.method(), e.request.head().target(), e.request.http10(), e.status,
                    e.bytesSent, nanos);
        }
    }

    /** The parser rejected a request; it is answered {@code status}. */
    void parseError(int status) {
        if (metrics != null) {
            metrics.parseError(status);
        }
        if (accessLog) {
            AccessLog.rejected(remote(), status);
        }
    }

    /** A handler threw or signalled {@code t}. */
    void handlerError(Throwable t) {
        if (metrics != null) {
            metrics.handlerError(t);
        }
    }

    /** The timeout {@code which} (a constant, it becomes a tag value) cut this connection or its request. */
    void timeout(String which) {
        if (metrics != null) {
            metrics.timeout(which);
        }
    }

    /** The connection closed; idempotent. */
    void closed() {
        if (metrics != null && !closed) {
            closed = true;
            metrics.connectionClosed();
        }
    }

    private String remote() {
        if (remote == null) {
            SocketAddress a = channel.remoteAddress();
            remote = a instanceof InetSocketAddress i && i.getAddress() != null
                    ? i.getAddress().getHostAddress() : String.valueOf(a);
        }
        return remote;
    }
}
