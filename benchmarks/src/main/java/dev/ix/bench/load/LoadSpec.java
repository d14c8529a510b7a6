package dev.ix.bench.load;

import java.net.URI;
import java.time.Duration;

/**
 * One load run of the built-in generator.
 *
 * @param uri          {@code http://host:port/path}: every request is {@code GET path}, HTTP/1.1, keep-alive; or
 *                     {@code rpc://host:port}: every request is an RPC request frame ({@link LoadProtocol#RPC}); or
 *                     {@code memcache://host:port/usr|etc}: memcached GETs and SETs ({@link LoadProtocol#MEMCACHE})
 * @param connections  keep-alive connections, spread over the threads
 * @param threads      generator event loops
 * @param duration     the measured window
 * @param warmup       load applied before the window and not recorded (JIT, connection set-up); may be zero
 * @param rate         requests per second over all connections, open loop; {@code 0} for closed loop (each
 *                     connection sends its next request when a response arrives: maximum throughput)
 * @param pipeline     requests in flight per connection (1 = no pipelining)
 * @param transport    the Netty transport the generator itself runs on
 * @param timeout      a response later than this counts as an error (wrk's {@code --timeout})
 */
public record LoadSpec(URI uri, int connections, int threads, Duration duration, Duration warmup, double rate,
                       int pipeline, LoadTransport transport, Duration timeout) {

    public LoadSpec {
        if (connections < 1 || threads < 1 || threads > connections) {
            throw new IllegalArgumentException("connections: " + connections + ", threads: " + threads
                    + " (expected: 1 <= threads <= connections)");
        }
        if (pipeline < 1) {
            throw new IllegalArgumentException("pipeline: " + pipeline + " (expected: >= 1)");
        }
        if (rate < 0) {
            throw new IllegalArgumentException("rate: " + rate + " (expected: >= 0, 0 = closed loop)");
        }
    }

    /**
     * @return the protocol the URI's scheme names
     * @throws IllegalArgumentException for a scheme other than {@code http}, {@code rpc} or {@code memcache}
     */
    public LoadProtocol protocol() {
        return LoadProtocol.of(uri);
    }

    /** @return whether requests are sent at a fixed rate (open loop) rather than as fast as responses come */
    public boolean openLoop() {
        return rate > 0;
    }
}
