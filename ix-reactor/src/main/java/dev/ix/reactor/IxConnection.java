package dev.ix.reactor;

import io.netty.channel.Channel;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * One TCP connection served by ix: its {@link #inbound()} and {@link #outbound()}, and its Netty {@link #channel()}
 * for what they do not cover. Everything of a connection happens on its loop thread.
 *
 * <p>{@link #dispose()} closes the connection after handing what was flushed to the kernel (see ix-transport's
 * "What a close delivers"). Thread-safe.
 */
public interface IxConnection extends Disposable {

    /** @return the Netty channel (an {@code IxSocketChannel}) */
    Channel channel();

    /** @return what the connection receives */
    IxInbound inbound();

    /** @return what the connection sends */
    IxOutbound outbound();

    /** @return the peer's address, or null once closed */
    default InetSocketAddress remoteAddress() {
        SocketAddress a = channel().remoteAddress();
        return a instanceof InetSocketAddress i ? i : null;
    }

    /** @return the local address, or null once closed */
    default InetSocketAddress localAddress() {
        SocketAddress a = channel().localAddress();
        return a instanceof InetSocketAddress i ? i : null;
    }

    /** Closes the connection without waiting. */
    @Override
    default void dispose() {
        channel().close();
    }

    /** @return whether the connection is closed */
    @Override
    default boolean isDisposed() {
        return !channel().isOpen();
    }

    /**
     * Closes the connection and waits until it is closed.
     *
     * @param timeout how long to wait at most
     * @throws IllegalStateException when called on a loop thread, or when it is not closed in time
     */
    default void disposeNow(Duration timeout) {
        if (channel().eventLoop().inEventLoop()) {
            throw new IllegalStateException("disposeNow() waits for the loop: call dispose() on a loop thread");
        }
        if (!channel().close().awaitUninterruptibly(timeout.toMillis())) {
            throw new IllegalStateException(channel() + " not closed within " + timeout);
        }
    }

    /** @return a Mono that completes when the connection has closed */
    Mono<Void> onDispose();
}
