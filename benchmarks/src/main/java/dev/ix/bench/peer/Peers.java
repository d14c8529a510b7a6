package dev.ix.bench.peer;

import dev.ix.reactor.IxTransports;
import dev.ix.samples.HelloServer;
import dev.ix.samples.RpcEchoServer;
import dev.ix.transport.IxTransport;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Every peer the harness knows, whether or not it can run here ({@link Peer#unavailable()} says). Thread-safe.
 *
 * <ul>
 *   <li>{@code ix}: the samples' {@code HelloServer} on the ix transport;</li>
 *   <li>{@code ix-http}: planned, not built yet;</li>
 *   <li>{@code netty-epoll}, {@code netty-io_uring}, {@code netty-nio}: the same server on Netty's own
 *       transports;</li>
 *   <li>{@code reactor-netty}: {@link ReactorNettyServer} on epoll;</li>
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
 */
public final class Peers {

    private static final List<Peer> ALL = List.of(
            helloServer("ix", "ix", Peers::ixTransport),
            new UnbuiltPeer("ix-http", "ix-http is not built yet (the ix-http module has no server to run)"),
            helloServer("netty-epoll", "epoll", () -> nettyTransport("epoll")),
            helloServer("netty-io_uring", "io_uring", () -> nettyTransport("io_uring")),
            helloServer("netty-nio", "nio", Optional::empty),
            // On epoll, pinned: left to itself Reactor Netty would pick io_uring here (see ReactorNettyServer).
            new JavaPeer("reactor-netty", ReactorNettyServer.class.getName(), List.of("--transport", "epoll"),
                    "ReactorNettyServer on epoll (", () -> nettyTransport("epoll")),
            new NginxPeer());

    /** {@link #ALL}'s HTTP peers, then the RPC peers. */
    private static final List<Peer> HTTP_AND_RPC = Stream.concat(ALL.stream(), Stream.of(
            new RpcPeer(new JavaPeer("ix-rpc", RpcEchoServer.class.getName(), List.of(), "RpcEchoServer on ",
                    Peers::ixTransport)),
            new RpcPeer(new JavaPeer("netty-rpc-epoll", NettyRpcEchoServer.class.getName(), List.of(),
                    "NettyRpcEchoServer on epoll (", () -> nettyTransport("epoll"))))).toList();

    private Peers() {
    }

    /** @return all peers, in the order the harness lists them */
    public static List<Peer> all() {
        return HTTP_AND_RPC;
    }

    /** @return the names of {@link #all()}, in the same order */
    public static List<String> names() {
        return HTTP_AND_RPC.stream().map(Peer::name).toList();
    }

    /** @return the peer called {@code name}, or empty if there is none */
    public static Optional<Peer> byName(String name) {
        return HTTP_AND_RPC.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * HelloServer falls back from ix to epoll when ix cannot run; its banner names the transport it really runs on,
     * and the peer is ready only once that banner is in its log.
     */
    private static Peer helloServer(String name, String transport, Supplier<Optional<String>> availability) {
        return new JavaPeer(name, HelloServer.class.getName(), List.of("--transport", transport),
                "HelloServer on " + transport + " (", availability);
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
