package dev.ix.bench.load;

import dev.ix.transport.IxIoHandler;
import dev.ix.transport.IxSocketChannel;
import dev.ix.transport.IxTransport;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The Netty pieces the generator's event loops and client channels are made of, for one {@link LoadTransport}.
 *
 * @param factory      for {@code new MultiThreadIoEventLoopGroup(threads, factory)}
 * @param channelClass the client socket channel
 */
record LoopDriver(IoHandlerFactory factory, Class<? extends Channel> channelClass) {

    /**
     * @throws IllegalStateException if the transport cannot run here; its cause says why
     */
    static LoopDriver of(LoadTransport transport) {
        return switch (transport) {
            case IX -> {
                if (!IxTransport.isAvailable()) {
                    throw unavailable("ix", IxTransport.unavailabilityCause());
                }
                yield new LoopDriver(IxIoHandler.newFactory(), IxSocketChannel.class);
            }
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw unavailable("epoll", Epoll.unavailabilityCause());
                }
                yield new LoopDriver(EpollIoHandler.newFactory(), EpollSocketChannel.class);
            }
            case NIO -> new LoopDriver(NioIoHandler.newFactory(), NioSocketChannel.class);
        };
    }

    private static IllegalStateException unavailable(String name, Throwable cause) {
        return new IllegalStateException("the " + name + " transport cannot run here: "
                + (cause == null ? "unknown cause" : cause.getMessage()), cause);
    }
}
