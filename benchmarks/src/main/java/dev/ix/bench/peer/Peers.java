package dev.ix.bench.peer;

import dev.ix.reactor.IxTransports;
import dev.ix.samples.HelloServer;
import dev.ix.samples.IxHttpHello;
import dev.ix.samples.RpcEchoServer;
import dev.ix.transport.IxTransport;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every peer the harness knows, whether or not it can run here ({@link Peer#unavailable()} says). Thread-safe.
 *
 * <ul>
 *   <li>{@code ix}: the samples' {@code HelloServer} on the ix transport;</li>
 *   <li>{@code ix-http}: the samples' {@code IxHttpHello}, ix-http's {@code IxHttpServer} on ix;</li>
 *   <li>{@code netty-epoll}, {@code netty-io_uring}, {@code netty-nio}: the same server on Netty's own
 *       transports;</li>
 *   <li>{@code reactor-netty}: {@link ReactorNettyServer} on epoll;</li>
 *   <li>{@code reactor-netty-ix}: the same {@link ReactorNettyServer} on ix loops ({@code IxLoopResources});</li>
 *   <li>{@code nginx}: nginx with a generated configuration, one process.</li>
 * </ul>
 *
 * <p>The Java peers run with the same JVM, heap and GC settings and the same number of event loops.
 *
 * <p>RPC peers ({@code ./ix bench rpc}), which echo ix RPC frames instead of serving HTTP:
 * <ul>
 *   <li>{@code ix-rpc}: the samples' {@code RpcEchoServer}, ix-reactor's {@code IxRpcServer} on ix;</li>
 *   <li>{@code netty-rpc-epoll}: {@link NettyRpcEchoServer}, the same protocol as a Netty user would serve it on
 *       epoll.</li>
 * </ul>
 *
 * <p>memcached-protocol peers ({@code ./ix bench kv}):
 * <ul>
 *   <li>{@code kv}: the samples' {@code dev.ix.samples.kv.KvServer} on ix (unavailable where it is not built);</li>
 *   <li>{@code memcached}: the real memcached ({@link MemcachedPeer}), the baseline.</li>
 * </ul>
 */
public final class Peers {

    private static final List<Peer> ALL = List.of(
            javaPeer("ix", HelloServer.class, "ix", Peers::ixTransport),
            // ix-http's own server: its parser and encoder instead of Netty's HTTP codec, on ix.
            new JavaPeer("ix-http", IxHttpHello.class.getName(), List.of(), "IxHttpHello (ix-http) on ix (",
                    Peers::ixTransport),
            javaPeer("netty-epoll", HelloServer.class, "epoll", () -> nettyTransport("epoll")),
            javaPeer("netty-io_uring", HelloServer.class, "io_uring", () -> nettyTransport("io_uring")),
            javaPeer("netty-nio", HelloServer.class, "nio", Optional::empty),
            // On epoll, pinned: left to itself Reactor Netty would pick io_uring here (see ReactorNettyServer).
            javaPeer("reactor-netty", ReactorNettyServer.class, "epoll", () -> nettyTransport("epoll")),
            javaPeer("reactor-netty-ix", ReactorNettyServer.class, "ix", Peers::ixTransport),
            new NginxPeer(),
            // RPC peers: ./ix bench rpc
            new RpcPeer(new JavaPeer("ix-rpc", RpcEchoServer.class.getName(), List.of(), "RpcEchoServer on ",
                    Peers::ixTransport)),
            new RpcPeer(new JavaPeer("netty-rpc-epoll", NettyRpcEchoServer.class.getName(), List.of(),
                    "NettyRpcEchoServer on epoll (", () -> nettyTransport("epoll"))),
            // memcached-protocol peers: ./ix bench kv
            MemcachePeers.kv(Peers::ixTransport),
            new MemcachedPeer());

    private Peers() {
    }

    /** @return all peers, in the order the harness lists them */
    public static List<Peer> all() {
        return ALL;
    }

    /** @return the names of {@link #all()}, in the same order */
    public static List<String> names() {
        return ALL.stream().map(Peer::name).toList();
    }

    /** @return the peer called {@code name}, or empty if there is none */
    public static Optional<Peer> byName(String name) {
        return ALL.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * HelloServer falls back from ix to epoll when ix cannot run (ReactorNettyServer exits instead); both print a
     * banner naming the transport they really run on, and the peer is ready only once that banner is in its log.
     */
    private static Peer javaPeer(String name, Class<?> server, String transport,
                                 Supplier<Optional<String>> availability) {
        return new JavaPeer(name, server.getName(), List.of("--transport", transport),
                server.getSimpleName() + " on " + transport + " (", availability);
    }

    /**
     * Asks {@link IxTransports} (the samples' transport selection), which checks {@code Epoll}/{@code IoUring} availability with the same
     * classes HelloServer uses (Netty's io_uring classes are on this module's runtime classpath only).
     */
    private static Optional<String> nettyTransport(String name) {
        try {
            IxTransports.select(name);
            return Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.of(e.getMessage());
        } catch (LinkageError e) {
            return Optional.of(oneLine(e));
        }
    }

    private static Optional<String> ixTransport() {
        try {
            return IxTransport.isAvailable() ? Optional.empty()
                    : Optional.of("ix transport unavailable: " + oneLine(IxTransport.unavailabilityCause()));
        } catch (LinkageError e) {
            return Optional.of("ix transport unavailable: " + oneLine(e));
        }
    }

    private static String oneLine(Throwable t) {
        if (t == null) {
            return "no cause given";
        }
        String text = t.getMessage() != null ? t.getMessage() : t.toString();
        return text.replaceAll("\\s*\\R\\s*", "; ");
    }
}
