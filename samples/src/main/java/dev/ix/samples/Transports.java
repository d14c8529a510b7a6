package dev.ix.samples;

import dev.ix.transport.IxIoHandler;
import dev.ix.transport.IxIoHandlerConfig;
import dev.ix.transport.IxServerSocketChannel;
import dev.ix.transport.IxSocketChannel;
import dev.ix.transport.IxTransport;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the Netty transport a sample runs on: {@code ix} (the default), or one of Netty's own {@code epoll},
 * {@code io_uring} and {@code nio} to compare against.
 *
 * <p>When {@code ix} is unavailable the sample still runs: it falls back to epoll (else NIO) and logs one WARN
 * line with the reason from {@link IxTransport#unavailabilityCause()}. A peer transport that was asked for by
 * name is never swapped for another, so a comparison cannot silently measure the wrong thing.
 */
public final class Transports {

    /** Names accepted by {@link #select(String)}. */
    public static final List<String> NAMES = List.of("ix", "epoll", "io_uring", "nio");

    private static final Logger LOG = LoggerFactory.getLogger(Transports.class);

    /**
     * A transport ready to build an event loop group and bootstrap from.
     *
     * @param name               the name as in {@link #NAMES}
     * @param ioHandlerFactory   for {@code new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory)}
     * @param serverChannelClass for {@code ServerBootstrap.channel(...)}
     * @param socketChannelClass for {@code Bootstrap.channel(...)} (clients)
     */
    public record Transport(
            String name,
            IoHandlerFactory ioHandlerFactory,
            Class<? extends ServerChannel> serverChannelClass,
            Class<? extends Channel> socketChannelClass) {
    }

    private Transports() {
    }

    /**
     * Returns the transport called {@code name}; for {@code ix}, the fallback described in the class comment.
     *
     * @throws IllegalArgumentException if {@code name} is not one of {@link #NAMES}
     * @throws IllegalStateException    if {@code epoll} or {@code io_uring} was asked for and cannot run here;
     *                                  its cause is the transport's unavailability cause
     */
    public static Transport select(String name) {
        return select(name, null);
    }

    /**
     * As {@link #select(String)}, with the ix loops' settings.
     *
     * @param ixConfig settings of the ix loops; null: {@link IxIoHandlerConfig#defaults()}
     */
    public static Transport select(String name, IxIoHandlerConfig ixConfig) {
        return switch (name) {
            case "ix" -> ixOrFallback(ixConfig);
            case "epoll" -> epoll();
            case "io_uring" -> ioUring();
            case "nio" -> nio();
            default -> throw new IllegalArgumentException("transport: " + name + " (expected: one of " + NAMES + ")");
        };
    }

    private static Transport ixOrFallback(IxIoHandlerConfig config) {
        Throwable cause;
        try {
            if (IxTransport.isAvailable()) {
                return new Transport("ix",
                        IxIoHandler.newFactory(config == null ? IxIoHandlerConfig.defaults() : config),
                        IxServerSocketChannel.class, IxSocketChannel.class);
            }
            cause = IxTransport.unavailabilityCause();
        } catch (LinkageError e) {
            cause = e;
        }
        Transport fallback = Epoll.isAvailable() ? epoll() : nio();
        LOG.warn("ix transport unavailable ({}); falling back to {}", oneLine(cause), fallback.name());
        return fallback;
    }

    private static Transport epoll() {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("epoll transport unavailable: " + oneLine(Epoll.unavailabilityCause()),
                    Epoll.unavailabilityCause());
        }
        return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                EpollSocketChannel.class);
    }

    private static Transport ioUring() {
        if (!IoUring.isAvailable()) {
            throw new IllegalStateException("io_uring transport unavailable: " + oneLine(IoUring.unavailabilityCause()),
                    IoUring.unavailabilityCause());
        }
        return new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
                IoUringSocketChannel.class);
    }

    private static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    private static String oneLine(Throwable cause) {
        return cause == null ? "no cause given" : cause.toString().replaceAll("\\s*\\R\\s*", "; ");
    }
}
