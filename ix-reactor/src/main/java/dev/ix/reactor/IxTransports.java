package dev.ix.reactor;

import dev.ix.transport.IxIoHandler;
import dev.ix.transport.IxIoHandlerConfig;
import dev.ix.transport.IxServerSocketChannel;
import dev.ix.transport.IxSocketChannel;
import dev.ix.transport.IxTransport;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Picks the Netty transport to serve on: {@code ix} where io_uring can run, else Netty's epoll, else NIO.
 *
 * <ul>
 *   <li>{@link #select()} reads {@value IxReactorProperties#TRANSPORT_PROP_NAME} (default
 *       {@value IxReactorProperties#TRANSPORT_DEFAULT}).</li>
 *   <li>{@code auto}: ix, else epoll, else NIO. The first fallback in the JVM logs one WARN line with the reason
 *       ({@link IxTransport#unavailabilityCause()}); later ones log at DEBUG.</li>
 *   <li>A transport named ({@code ix}, {@code epoll}, {@code io_uring}, {@code nio}) is required: when it cannot
 *       run, {@code select} throws instead of swapping it for another, because whoever names a transport wants it
 *       (a benchmark, a comparison, a deployment that counts on io_uring). Want ix but still start anywhere? Ask
 *       for {@code auto}.</li>
 * </ul>
 *
 * <p>Netty's epoll transport needs its native jar ({@code netty-transport-native-epoll}, {@code linux-x86_64}),
 * which ix-reactor brings at runtime; {@code io_uring} (Netty's own, for comparison) needs
 * {@code netty-transport-native-io_uring}, which the application adds. Threading: all methods may be called from
 * any thread.
 */
public final class IxTransports {

    /** The name of the choice that falls back: ix, else epoll, else NIO. */
    public static final String AUTO = "auto";

    /** Names accepted by {@link #select(String)} and {@value IxReactorProperties#TRANSPORT_PROP_NAME}. */
    public static final List<String> NAMES = List.of(AUTO, "ix", "epoll", "io_uring", "nio");

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(IxTransports.class);
    private static final FallbackWarning FALLBACK_WARNING = new FallbackWarning(LOG::warn, LOG::debug);

    private static volatile Transport selected;

    /**
     * A transport ready to build an event loop group and a bootstrap from.
     *
     * @param name               the transport it is: {@code ix}, {@code epoll}, {@code io_uring} or {@code nio}
     *                           (never {@code auto})
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

    private IxTransports() {
    }

    /**
     * @return the transport {@value IxReactorProperties#TRANSPORT_PROP_NAME} asks for, as {@link #select(String)}
     * @throws IllegalArgumentException when the property names no transport
     * @throws IllegalStateException    when the transport it names cannot run here
     */
    public static Transport select() {
        return select((IxIoHandlerConfig) null);
    }

    /**
     * As {@link #select()}, with the ix loops' settings.
     *
     * @param ixConfig settings of the ix loops; null: {@link IxIoHandlerConfig#defaults()}
     */
    public static Transport select(IxIoHandlerConfig ixConfig) {
        return select(IxReactorProperties.transport(), ixConfig);
    }

    /**
     * @param name one of {@link #NAMES}
     * @return the transport called {@code name}; for {@code auto}, the first that can run of ix, epoll, NIO
     * @throws IllegalArgumentException if {@code name} is not one of {@link #NAMES}
     * @throws IllegalStateException    if a transport named other than {@code auto} cannot run here; its cause is
     *                                  the transport's unavailability cause
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
        return select(name, ixConfig, TransportAvailability.LIVE, FALLBACK_WARNING);
    }

    /**
     * @return the transport the last successful {@code select} in this JVM returned, or empty before one did;
     *         what {@code auto} turned into
     */
    public static Optional<Transport> selected() {
        return Optional.ofNullable(selected);
    }

    static Transport select(String name, IxIoHandlerConfig ixConfig, TransportAvailability availability,
                            FallbackWarning fallbackWarning) {
        Transport transport = switch (name) {
            case AUTO -> auto(ixConfig, availability, fallbackWarning);
            case "ix" -> required("ix", availability.ix(), () -> ix(ixConfig));
            case "epoll" -> required("epoll", availability.epoll(), IxTransports::epoll);
            case "io_uring" -> required("io_uring", availability.ioUring(), IxTransports::ioUring);
            case "nio" -> nio();
            default -> throw new IllegalArgumentException("transport: " + name + " (expected: one of " + NAMES + ")");
        };
        selected = transport;
        return transport;
    }

    private static Transport auto(IxIoHandlerConfig ixConfig, TransportAvailability availability,
                                  FallbackWarning fallbackWarning) {
        Throwable ixCause = availability.ix();
        if (ixCause == null) {
            return ix(ixConfig);
        }
        Transport fallback = availability.epoll() == null ? epoll() : nio();
        fallbackWarning.report(ixCause, fallback.name());
        return fallback;
    }

    private static Transport required(String name, Throwable cause, Supplier<Transport> make) {
        if (cause != null) {
            String hint = !name.equals("ix") ? ""
                    : " (-D" + IxReactorProperties.TRANSPORT_PROP_NAME + "=" + AUTO + " falls back to epoll or NIO)";
            throw new IllegalStateException(name + " transport unavailable: " + FallbackWarning.oneLine(cause) + hint,
                    cause);
        }
        return make.get();
    }

    private static Transport ix(IxIoHandlerConfig config) {
        return new Transport("ix", IxIoHandler.newFactory(config == null ? IxIoHandlerConfig.defaults() : config),
                IxServerSocketChannel.class, IxSocketChannel.class);
    }

    private static Transport epoll() {
        return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                EpollSocketChannel.class);
    }

    private static Transport ioUring() {
        return new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
                IoUringSocketChannel.class);
    }

    private static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }
}
