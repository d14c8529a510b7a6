package dev.ix.bench.load;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * What the built-in generator speaks, chosen by the target URI's scheme: the requests it sends ({@link RequestBlock})
 * and how it finds the responses ({@link ResponseDecoder}). Everything else (connections, pipelining, the open-loop
 * schedule, timeouts, latency histograms) is the same for all.
 */
public enum LoadProtocol {
    /** {@code http://host:port/path}: {@code GET path}, HTTP/1.1 keep-alive. */
    HTTP,
    /**
     * {@code rpc://host:port}: ix RPC frames ({@link RpcWire}), each request carrying {@code Hello, World!}, as
     * ix-reactor's {@code IxRpcServer} and {@code IxRpcClient} speak them.
     */
    RPC,
    /**
     * {@code memcache://host:port[/usr|/etc][?keys=N]}: memcached text-protocol GETs and SETs of a
     * {@link MemcacheWorkload} (the path names it, usr when none), from one pre-drawn sequence.
     */
    MEMCACHE;

    /**
     * @throws IllegalArgumentException for a scheme other than {@code http}, {@code rpc} or {@code memcache}
     */
    public static LoadProtocol of(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "http" -> HTTP;
            case "rpc" -> RPC;
            case "memcache" -> MEMCACHE;
            default -> throw new IllegalArgumentException("URL: " + uri + " (expected: http://host:port/path,"
                    + " rpc://host:port or memcache://host:port/usr|etc; https is not supported)");
        };
    }

    /** @return the URI scheme and the name reports use: {@code http}, {@code rpc}, {@code memcache} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param headers extra HTTP header lines; RPC and memcached have none to add them to
     * @param copies  the pipeline depth
     * @throws IllegalArgumentException for headers with RPC or memcached, or a bad memcached workload
     */
    RequestBlock requests(URI uri, List<String> headers, int copies) {
        if (this != HTTP && !headers.isEmpty()) {
            throw new IllegalArgumentException("headers: " + headers + " (" + label() + " requests have no headers)");
        }
        return switch (this) {
            case HTTP -> RequestTemplate.of(uri, headers, copies);
            case RPC -> RpcRequestBlock.of(copies);
            case MEMCACHE -> MemcacheRequestBlock.of(MemcacheWorkload.of(uri), copies);
        };
    }

    /** @param pipeline the connection's pipeline depth (RPC: the number of distinct request ids) */
    ResponseDecoder decoder(int pipeline) {
        return switch (this) {
            case HTTP -> new ResponseParser();
            case RPC -> new RpcResponseParser(pipeline);
            case MEMCACHE -> new MemcacheResponseParser();
        };
    }
}
