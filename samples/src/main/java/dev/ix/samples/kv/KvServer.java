package dev.ix.samples.kv;

import dev.ix.reactor.IxTransports;
import dev.ix.transport.IxIoHandlerConfig;
import dev.ix.transport.IxListeners;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * kv: a memcached-compatible server (text protocol and meta commands) running straight on the ix transport, one
 * {@link KvStore} shared by all its loops. {@code ./ix kv --help} lists the options; see {@code samples/README.md}.
 *
 * <p>Prints {@code kv listening on HOST:PORT (...)} once bound and serves until the JVM is stopped (SIGTERM,
 * Ctrl-C), then closes its listeners, stops its loops (which close every connection) and frees the store's
 * off-heap memory. Exit status: 0 after {@code --help}, 2 for a bad command line, 1 when the transport cannot run
 * or the address cannot be bound.
 */
public final class KvServer implements AutoCloseable {
    private final KvOptions options;
    private final KvStore store;
    private final KvStats stats;
    private final EventLoopGroup group;
    /** Every open connection, closed before the loops stop. */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final String transportName;
    private IxListeners listeners;
    private Channel channel;
    private int port;
    private final CountDownLatch closed = new CountDownLatch(1);

    private KvServer(KvOptions options, IxTransports.Transport transport) {
        this.options = options;
        this.transportName = transport.name();
        this.store = new KvStore(options.memoryMb() * 1024 * 1024, options.itemMaxBytes(),
                () -> System.currentTimeMillis() / 1000);
        this.stats = new KvStats(store, options.threads());
        this.group = new MultiThreadIoEventLoopGroup(options.threads(),
                new DefaultThreadFactory("kv-" + transport.name() + "-loop"), transport.ioHandlerFactory());
    }

    /** Runs kv with the command line {@code args} until the JVM is stopped. */
    public static void main(String[] args) throws InterruptedException {
        KvOptions options;
        try {
            options = KvOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("kv: " + e.getMessage());
            System.err.print(KvOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(KvOptions.USAGE);
            return;
        }
        KvServer server;
        try {
            server = start(options);
        } catch (IllegalStateException e) {
            System.err.println("kv: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "kv-shutdown"));
        System.out.printf("kv listening on %s:%d (%s, %d loop%s%s, -m %d MiB, item max %d B)%n", options.host(),
                server.port(), server.transportName, options.threads(), options.threads() == 1 ? "" : "s",
                options.cpus().isEmpty() || server.listeners == null ? "" : ", pinned to CPUs " + options.cpus(),
                options.memoryMb(), options.itemMaxBytes());
        System.out.flush();
        server.closed.await();
    }

    /**
     * Starts a server bound as {@code options} say.
     *
     * @throws IllegalStateException when the transport cannot run or the address cannot be bound
     */
    static KvServer start(KvOptions options) {
        IxIoHandlerConfig ixConfig = IxIoHandlerConfig.defaults();
        if (!options.cpus().isEmpty()) {
            ixConfig = ixConfig.withCpus(options.cpus());
        }
        // As the other samples: ix means IxTransports' auto (ix, else epoll, else NIO, with one WARN line).
        String name = options.transport().equals("ix") ? IxTransports.AUTO : options.transport();
        IxTransports.Transport transport = IxTransports.select(name, ixConfig);
        KvServer server = new KvServer(options, transport);
        try {
            server.bind(transport);
        } catch (Exception e) {
            server.close();
            throw new IllegalStateException("failed to bind on [" + options.host() + ":" + options.port() + "]: "
                    + e.getMessage() + " (choose another port with --port)", e);
        }
        return server;
    }

    private void bind(IxTransports.Transport transport) throws InterruptedException {
        ServerBootstrap template = new ServerBootstrap()
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // Pooled, not Netty 4.2's default adaptive allocator: a pooled buffer's retainedSlice is a recycled
                // object, an adaptive one's a new one, and Replies writes each turn's answers as one.
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(new KvConnection(store, stats));
                    }
                });
        InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
        if (transport.name().equals("ix")) {
            // One SO_REUSEPORT listener per loop: a connection stays on the loop that accepted it.
            listeners = IxListeners.bind(template, group, address, false);
            port = listeners.localAddress().getPort();
        } else {
            channel = template.group(group).channel(transport.serverChannelClass()).bind(address).sync().channel();
            port = ((InetSocketAddress) channel.localAddress()).getPort();
        }
    }

    /** The port it listens on. */
    int port() {
        return port;
    }

    KvStore store() {
        return store;
    }

    KvStats stats() {
        return stats;
    }

    EventLoopGroup group() {
        return group;
    }

    /** Stops listening, stops the loops (closing every connection), then frees the store. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed.getCount() == 0) {
            return;
        }
        if (listeners != null) {
            listeners.close();
        }
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
        // Closed while the loops still run their tasks: Netty fires channelInactive from a task, which a stopping
        // loop no longer runs, and each connection releases its reply buffer and cumulation there.
        connections.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        store.close();
        closed.countDown();
    }
}
