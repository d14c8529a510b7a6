package dev.ix.samples;

import dev.ix.reactor.IxTransports;
import dev.ix.transport.IxIoHandlerConfig;
import dev.ix.transport.IxListeners;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * What every sample server shares: parse {@link SampleOptions}, pick the transport, bind, print where it
 * listens, serve until the JVM is stopped (Ctrl-C), then shut the event loops down.
 *
 * <p>Exit status: 0 after {@code --help}, 2 for a bad command line, 1 when the transport cannot run or the
 * address cannot be bound.
 */
final class SampleServer {

    private SampleServer() {
    }

    /**
     * Runs a server; returns only when its listening channel closes (for ix, when its loops stop).
     *
     * @param program     name used in messages and thread names
     * @param defaultPort port used without {@code --port}
     * @param args        the command line
     * @param initializer sets up each accepted connection's pipeline
     * @param howToReach  given the host and port a local user reaches, lines that tell how to try it
     */
    static void run(String program, int defaultPort, String[] args, ChannelInitializer<Channel> initializer,
                    BiFunction<String, Integer, String> howToReach) throws InterruptedException {
        SampleOptions options;
        try {
            options = SampleOptions.parse(args, defaultPort);
        } catch (IllegalArgumentException e) {
            System.err.println(program + ": " + e.getMessage());
            System.err.print(usage(program, defaultPort));
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(usage(program, defaultPort));
            return;
        }

        IxTransports.Transport transport;
        try {
            IxIoHandlerConfig ixConfig = IxIoHandlerConfig.defaults();   // -Ddev.ix.transport.* apply
            if (!options.cpus().isEmpty()) {
                ixConfig = ixConfig.withCpus(options.cpus());
            }
            // A sample asked for ix still starts where io_uring cannot run (a demo should run anywhere): ix means
            // IxTransports' auto here, with its one WARN line. The peers epoll, io_uring and nio are used as named.
            String name = options.transport().equals("ix") ? IxTransports.AUTO : options.transport();
            transport = IxTransports.select(name, ixConfig);
        } catch (IllegalStateException e) {
            System.err.println(program + ": " + e.getMessage() + " (choose another with --transport)");
            System.exit(1);
            return;
        }

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.threads(),
                new DefaultThreadFactory(transport.name() + "-loop"), transport.ioHandlerFactory());
        AtomicReference<IxListeners> listeners = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            IxListeners l = listeners.get();
            if (l != null) {
                l.close();
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }, program + "-shutdown"));
        TransportStats.bind(group);
        try {
            ServerBootstrap template = new ServerBootstrap()
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(initializer);
            Channel server = null;
            int port;
            try {
                if (transport.name().equals("ix")) {
                    // One SO_REUSEPORT listener per loop: a connection stays on the loop that accepted it.
                    listeners.set(IxListeners.bind(template, group,
                            new InetSocketAddress(options.host(), options.port()), options.steering()));
                    port = listeners.get().localAddress().getPort();
                } else {
                    server = template.group(group).channel(transport.serverChannelClass())
                            .bind(options.host(), options.port()).sync().channel();
                    port = ((InetSocketAddress) server.localAddress()).getPort();
                }
            } catch (Exception e) {
                System.err.println(program + ": failed to bind on [" + options.host() + ":" + options.port() + "]: "
                        + e.getMessage() + " (choose another port with --port)");
                System.exit(1);
                return;
            }
            // One write: printf writes piece by piece, and a loop thread logging meanwhile would split the banner
            // the benchmark harness waits for in this process's output.
            System.out.print(String.format("%s on %s (%d event loop%s%s) listening on %s:%d%n%s%n"
                            + "Transport metrics: GET /stats/transport or ./ix stats. Press Ctrl-C to stop.%n",
                    program, transport.name(), options.threads(), options.threads() == 1 ? "" : "s",
                    options.cpus().isEmpty() || listeners.get() == null ? "" : " pinned to CPUs " + options.cpus(),
                    options.host(), port,
                    howToReach.apply(reachableHost(options.host()), port)));
            if (server != null) {
                server.closeFuture().sync();
            } else {
                group.terminationFuture().sync();
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
    }

    /** The host a local user reaches a server bound to {@code host} on: loopback for a wildcard bind. */
    private static String reachableHost(String host) {
        return switch (host) {
            case "0.0.0.0", "::", "[::]" -> "127.0.0.1";
            default -> host;
        };
    }

    private static String usage(String program, int defaultPort) {
        return "usage: " + program + " [options]\n" + SampleOptions.USAGE.formatted(defaultPort);
    }
}
