package dev.ix.reactor;

import dev.ix.transport.IxIoHandlerConfig;
import dev.ix.transport.IxServerSocketChannel;
import dev.ix.transport.IxSocketChannel;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.Future;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reactor Netty on ix: {@link LoopResources} whose event loops are ix loops, for
 * {@code HttpServer.create().runOn(IxLoopResources.create())} (and {@code TcpServer}, {@code HttpClient},
 * {@code TcpClient}). Handlers then run on ix loops, which Reactor Netty drives like its own.
 *
 * <p>One group of ix loops serves everything: the server's acceptor ({@link #onServerSelect}, colocated as Reactor
 * Netty does by default), its connections ({@link #onServer}) and clients ({@link #onClient}, colocated: a client
 * started from a loop stays on it). Reactor Netty asks the resources which channel to create; ix answers for TCP
 * ({@link #onChannel}, {@link #onChannelClass}) and refuses anything else (UDP, domain sockets) with a message,
 * where Reactor Netty's default would fail on the unknown loop type.
 *
 * <p>Loop threads are daemons named {@code reactor-http-ix-N}, and Reactor {@code NonBlocking} threads
 * ({@link IxLoopThreads}), so {@code block()} refuses to run on them and BlockHound watches them.
 * {@link #dispose()} (or {@link #disposeLater(Duration, Duration)}) shuts the loops down. Thread-safe.
 */
public final class IxLoopResources implements LoopResources {
    /** Thread name prefix of the loops: Reactor Netty's {@code reactor-http-<transport>}. */
    public static final String THREAD_NAME_PREFIX = "reactor-http-ix";

    private final int loopCount;
    private final EventLoopGroup loops;
    private final EventLoopGroup colocated;
    private final AtomicBoolean disposed = new AtomicBoolean();

    private IxLoopResources(int loopCount, IxIoHandlerConfig config) {
        this.loopCount = loopCount;
        loops = IxLoopThreads.newGroup(loopCount, THREAD_NAME_PREFIX, true, config);
        colocated = LoopResources.colocate(loops);
    }

    /** @return resources with {@link LoopResources#DEFAULT_IO_WORKER_COUNT} ix loops and default settings */
    public static IxLoopResources create() {
        return create(LoopResources.DEFAULT_IO_WORKER_COUNT);
    }

    /** @return resources with {@code loops} ix loops and default settings */
    public static IxLoopResources create(int loops) {
        return create(loops, IxIoHandlerConfig.defaults());
    }

    /**
     * @param loops  ix loops, at least 1
     * @param config their settings (pinning, pool, batch limit...)
     * @return the resources; the loops start with the first registration
     * @throws IllegalStateException when io_uring cannot be used here, with the reason and the fix
     */
    public static IxLoopResources create(int loops, IxIoHandlerConfig config) {
        return new IxLoopResources(loops, config);
    }

    @Override
    public EventLoopGroup onServer(boolean useNative) {
        return loops;
    }

    @Override
    public EventLoopGroup onServerSelect(boolean useNative) {
        return loops;
    }

    @Override
    public EventLoopGroup onClient(boolean useNative) {
        return colocated;
    }

    @Override
    public <CHANNEL extends Channel> CHANNEL onChannel(Class<CHANNEL> channelType, EventLoopGroup group) {
        Class<? extends CHANNEL> type = onChannelClass(channelType, group);
        try {
            return type.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a " + type.getName(), e);
        }
    }

    @Override
    public <CHANNEL extends Channel> Class<? extends CHANNEL> onChannelClass(Class<CHANNEL> channelType,
                                                                             EventLoopGroup group) {
        if (channelType.isAssignableFrom(IxServerSocketChannel.class)
                && ServerSocketChannel.class.isAssignableFrom(channelType)) {
            return IxServerSocketChannel.class.asSubclass(channelType);
        }
        if (channelType.isAssignableFrom(IxSocketChannel.class) && SocketChannel.class.isAssignableFrom(channelType)) {
            return IxSocketChannel.class.asSubclass(channelType);
        }
        throw new UnsupportedOperationException("ix has no " + channelType.getName() + " (it serves TCP only: "
                + "ServerSocketChannel and SocketChannel); run this one on Reactor Netty's own LoopResources");
    }

    @Override
    public boolean daemon() {
        return true;
    }

    @Override
    public boolean isDisposed() {
        return disposed.get();
    }

    @Override
    public void dispose() {
        disposeLater().subscribe();
    }

    @Override
    public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
        return Mono.defer(() -> {
            if (!disposed.compareAndSet(false, true)) {
                return Mono.empty();
            }
            Future<?> f = loops.shutdownGracefully(quietPeriod.toMillis(), timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Mono.<Void>create(sink -> f.addListener(done -> {
                if (done.isSuccess()) {
                    sink.success();
                } else {
                    sink.error(done.cause());
                }
            }));
        });
    }

    @Override
    public String toString() {
        return "IxLoopResources(" + loopCount + " loops)";
    }
}
