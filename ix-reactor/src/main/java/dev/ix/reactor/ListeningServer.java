package dev.ix.reactor;

import dev.ix.transport.IxListeners;
import dev.ix.transport.IxLoop;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The {@link IxServer} of every ix server type: binds one listener per loop through {@link IxListeners}, keeps the
 * open connections so that a stop can wait for them, and stops in the order {@link IxServer} describes.
 */
final class ListeningServer implements IxServer {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(ListeningServer.class);

    /**
     * The user event fired on every open connection when the server starts to stop, right after its listeners
     * closed: a handler that serves many exchanges on one connection (RPC) finishes those in flight, takes no new
     * ones and closes the connection, so the stop does not have to wait for the client to close it.
     */
    static final Object STOPPING = new Object() {
        @Override
        public String toString() {
            return "ListeningServer.STOPPING";
        }
    };

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final IxListeners listeners;
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean disposing = new AtomicBoolean();
    /** Set before the stop's last round of closes: connections set up after it close at once. */
    private volatile boolean stopping;
    private final Sinks.Empty<Void> stopped = Sinks.empty();

    private ListeningServer(EventLoopGroup group, boolean ownsGroup, ServerSettings settings,
                            Consumer<Channel> initializer) {
        this.group = group;
        this.ownsGroup = ownsGroup;
        ServerBootstrap template = new ServerBootstrap().childHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (stopping) {
                    ch.close(); // accepted just before the listeners closed, set up after the stop's last look
                    return;
                }
                connections.add(ch);
                ch.closeFuture().addListener(f -> connections.remove(ch));
                initializer.accept(ch);
            }
        });
        ChannelOptions.applyTo(settings.childOptions(), template::childOption);
        this.listeners = IxListeners.bind(template, group, settings.address(), settings.cpuSteering());
    }

    /**
     * Binds a server and waits until every listener is bound.
     *
     * @param settings         where and on which loops
     * @param threadNamePrefix names the loops the server creates, {@code <prefix>-<i>}
     * @param initializer      sets up each accepted connection's pipeline, on its loop
     * @throws IllegalStateException when called on a loop thread, or when a bind fails (with the reason)
     */
    static IxServer bind(ServerSettings settings, String threadNamePrefix, Consumer<Channel> initializer) {
        if (IxLoop.current().isPresent()) {
            throw new IllegalStateException("bindNow() waits for the listeners' loops: call it from another thread "
                    + "than " + Thread.currentThread().getName());
        }
        boolean owns = settings.group() == null;
        EventLoopGroup group = owns
                ? IxLoopThreads.newGroup(settings.loopCount(), threadNamePrefix, true, settings.ixConfig())
                : settings.group();
        try {
            return new ListeningServer(group, owns, settings, initializer);
        } catch (RuntimeException e) {
            if (owns) {
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            }
            throw e;
        }
    }

    @Override
    public InetSocketAddress address() {
        return listeners.localAddress();
    }

    @Override
    public EventLoopGroup loops() {
        return group;
    }

    @Override
    public int activeConnections() {
        return connections.size();
    }

    @Override
    public void dispose() {
        disposeLater().subscribe(null, e -> logger.warn("{}: stopping failed", this, e));
    }

    @Override
    public boolean isDisposed() {
        return disposing.get();
    }

    @Override
    public void disposeNow(Duration timeout) {
        if (IxLoop.current().isPresent()) {
            throw new IllegalStateException("disposeNow() waits for the server's loops: call it from another thread "
                    + "than " + Thread.currentThread().getName() + ", or subscribe to disposeLater()");
        }
        // The wait is bounded by the stop itself: connections are closed at the deadline, loops shut down after.
        disposeLater(timeout).block();
    }

    @Override
    public Mono<Void> disposeLater(Duration timeout) {
        return Mono.defer(() -> {
            if (disposing.compareAndSet(false, true)) {
                // Closing the listeners and waiting for connections blocks: never on the caller's (maybe loop) thread.
                Schedulers.boundedElastic().schedule(() -> stop(timeout));
            }
            return onDispose();
        });
    }

    @Override
    public Mono<Void> onDispose() {
        return stopped.asMono();
    }

    private void stop(Duration timeout) {
        try {
            listeners.close();
            // One task per loop tells all its connections at once: a connection cannot see another of its loop
            // stop (and answer a request in between) before it is told itself.
            Map<EventLoop, List<Channel>> byLoop = new HashMap<>();
            for (Channel c : connections) {
                byLoop.computeIfAbsent(c.eventLoop(), l -> new ArrayList<>()).add(c);
            }
            byLoop.forEach((loop, channels) -> LoopTasks.tryExecute(loop,
                    () -> channels.forEach(c -> c.pipeline().fireUserEventTriggered(STOPPING))));
            long deadline = System.nanoTime() + timeout.toNanos();
            awaitConnectionsClosed(deadline);
            stopping = true;
            for (Channel c : connections) {
                c.close();
            }
            awaitConnectionsClosed(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
        } catch (RuntimeException | Error e) {
            shutDownOwnedLoops(timeout);
            stopped.tryEmitError(e);
            throw e;
        }
        shutDownOwnedLoops(timeout);
        stopped.tryEmitEmpty();
    }

    private void shutDownOwnedLoops(Duration timeout) {
        if (ownsGroup) {
            group.shutdownGracefully(0, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS).awaitUninterruptibly();
        }
    }

    private void awaitConnectionsClosed(long deadline) {
        for (Channel c : connections) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !c.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "IxServer(" + address() + ", " + listeners.size() + " loops)";
    }
}
