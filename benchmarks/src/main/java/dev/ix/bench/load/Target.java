package dev.ix.bench.load;

import java.net.InetSocketAddress;
import java.net.URI;

/**
 * Where the load goes, taken from an {@code http://host[:port]/path[?query]}, {@code rpc://host:port} or
 * {@code memcache://host:port/workload} URI.
 *
 * @param host          the host name or address literal (IPv6 without brackets)
 * @param port          the port, 80 when an {@code http} URI has none
 * @param requestTarget path and query as sent in the request line, at least {@code /} (unused by RPC; memcached:
 *                      the workload)
 */
record Target(String host, int port, String requestTarget) {

    /**
     * @throws IllegalArgumentException if the URI is not plain {@code http} with a host, nor {@code rpc} with a host
     *                                  and a port, nor {@code memcache} with a host, a port and a known workload
     */
    static Target of(URI uri) {
        LoadProtocol protocol = LoadProtocol.of(uri);
        String host = uri.getHost();
        if (host == null || host.isEmpty() || protocol != LoadProtocol.HTTP && uri.getPort() < 0) {
            throw new IllegalArgumentException("URL: " + uri + " (expected: " + switch (protocol) {
                case HTTP -> "http://host:port/path";
                case RPC -> "rpc://host:port";
                case MEMCACHE -> "memcache://host:port/usr|etc";
            } + ")");
        }
        if (protocol == LoadProtocol.MEMCACHE) {
            MemcacheWorkload.of(uri);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new Target(host, port, target);
    }

    /** @return {@code host:port}: the {@code Host} header's value, and how messages name the target */
    String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * Resolves the host (once per run, before any connection: the event loops must not block on a lookup).
     *
     * @throws IllegalArgumentException if the host cannot be resolved
     */
    InetSocketAddress resolve() {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("cannot resolve " + host + " (from " + authority() + ")");
        }
        return address;
    }
}
