package dev.ix.reactor;

import io.netty.channel.EventLoopGroup;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A bound ix server ({@link IxTcpServer#bindNow()}): one {@code SO_REUSEPORT} listener per loop, and the handle to
 * stop it, shaped as Reactor Netty's {@code DisposableServer}.
 *
 * <p>Stopping is graceful: the listeners close first (no new connection is accepted), connections whose handler is
 * still working are given time to finish, and those still open at the deadline are closed. Loops the server created
 * itself ({@link IxTcpServer#loops(int)}) are shut down after that; loops given with {@link IxTcpServer#runOn} are
 * left running. Thread-safe; never call the blocking {@link #disposeNow} methods on a loop thread.
 */
public interface IxServer extends Disposable {
    /** How long {@link #disposeNow()} lets active connections finish: {@value #DEFAULT_DISPOSE_SECONDS} s. */
    long DEFAULT_DISPOSE_SECONDS = 3;

    /** @return the address the listeners are bound to (the chosen port when port 0 was asked for) */
    InetSocketAddress address();

    /** @return the bound host address, as a string */
    default String host() {
        return address().getHostString();
    }

    /** @return the bound port */
    default int port() {
        return address().getPort();
    }

    /** @return the loops serving this server's listeners and connections */
    EventLoopGroup loops();

    /** @return connections open now (accepted and not yet closed) */
    int activeConnections();

    /**
     * Stops the server without waiting: the listeners close now, active connections get
     * {@value #DEFAULT_DISPOSE_SECONDS} s to finish.
     */
    @Override
    void dispose();

    /** @return whether stopping has begun */
    @Override
    boolean isDisposed();

    /**
     * Stops the server and waits until it has stopped, giving active connections {@value #DEFAULT_DISPOSE_SECONDS} s
     * to finish.
     *
     * @throws IllegalStateException when called on a loop thread (it would wait for itself)
     */
    default void disposeNow() {
        disposeNow(Duration.ofSeconds(DEFAULT_DISPOSE_SECONDS));
    }

    /**
     * Stops the server and waits until it has stopped: the listeners close, active connections are given
     * {@code timeout} to finish (their handlers complete, which closes them), the rest are closed.
     *
     * @param timeout how long active connections may go on; the wait itself ends shortly after
     * @throws IllegalStateException when called on a loop thread (it would wait for itself)
     */
    void disposeNow(Duration timeout);

    /**
     * @param timeout how long active connections may go on
     * @return a Mono that stops the server when subscribed (once; later subscriptions wait for the same stop) and
     *         completes once it has stopped; it never blocks
     */
    Mono<Void> disposeLater(Duration timeout);

    /** @return {@link #disposeLater(Duration)} with {@value #DEFAULT_DISPOSE_SECONDS} s */
    default Mono<Void> disposeLater() {
        return disposeLater(Duration.ofSeconds(DEFAULT_DISPOSE_SECONDS));
    }

    /** @return a Mono that completes once the server has stopped, however it was stopped */
    Mono<Void> onDispose();
}
