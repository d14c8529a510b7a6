package dev.ix.samples;

import dev.ix.http.IxHttpServer;
import dev.ix.reactor.IxServer;
import dev.ix.reactor.IxTransports;
import dev.ix.transport.IxIoHandlerConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * TechEmpower's plaintext and json tests on ix-http ({@link IxHttpServer}): no Netty HTTP codec, the strict
 * zero-copy parser, pre-encoded response heads, nothing allocated per request. {@code ./ix hello} runs it.
 *
 * <pre>
 *   GET /plaintext  200 text/plain        Hello, World!
 *   GET /json       200 application/json  {"message":"Hello, World!"}
 *   GET /stats/allocated-bytes  200 text/plain  heap bytes this JVM has allocated so far (the benchmark harness reads it)
 *   GET /stats/transport        200 text/plain  the ix loops' metrics ({@link TransportStats}; ./ix stats reads it)
 *   anything else   404 (405 for another method on these paths)
 * </pre>
 *
 * <p>As in {@link HelloHandler} (the Netty-codec hello, {@code ./ix netty-hello}), the JSON body is a constant, not
 * serialised per request. Options: those of {@link SampleOptions} except that the transport is always ix (ix-http
 * serves on ix loops). Ctrl-C stops it gracefully: requests in flight are finished first, for up to 5 seconds.
 */
public final class IxHttpHello {
    /** Port used without {@code --port}: {@value}. */
    public static final int DEFAULT_PORT = 8080;
    private static final String PROGRAM = "IxHttpHello";

    private IxHttpHello() {
    }

    /** Serves until the JVM is stopped; exits with status 2 for a bad command line, 1 when ix cannot run. */
    public static void main(String[] args) {
        SampleOptions options;
        try {
            options = SampleOptions.parse(args, DEFAULT_PORT);
            if (!options.transport().equals("ix")) {
                throw new IllegalArgumentException("--transport " + options.transport() + ": ix-http serves on ix"
                        + " loops only (the Netty-codec hello runs on any transport: ./ix netty-hello --transport "
                        + options.transport() + ")");
            }
        } catch (IllegalArgumentException e) {
            System.err.println(PROGRAM + ": " + e.getMessage());
            System.err.print(usage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(usage());
            return;
        }
        IxTransports.Transport ix;
        try {
            IxIoHandlerConfig config = IxIoHandlerConfig.defaults(); // -Ddev.ix.transport.* apply
            ix = IxTransports.select("ix", options.cpus().isEmpty() ? config : config.withCpus(options.cpus()));
        } catch (IllegalStateException e) {
            System.err.println(PROGRAM + ": " + e.getMessage()
                    + " (the Netty-codec hello runs elsewhere: ./ix netty-hello --transport epoll)");
            System.exit(1);
            return;
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.threads(),
                new DefaultThreadFactory("ix-http-loop"), ix.ioHandlerFactory());
        TransportStats.bind(group);
        IxServer server;
        try {
            server = IxHttpServer.create()
                    .host(options.host())
                    .port(options.port())
                    .runOn(group)
                    .cpuSteering(options.steering())
                    // A benchmark peer: connections carry any number of requests, as on the other peers (the server's
                    // default closes one after 1000, as nginx does).
                    .maxRequestsPerConnection(0)
                    .route(r -> r
                            .get("/plaintext", (req, res) -> res.contentType("text/plain").sendString("Hello, World!"))
                            .get("/json", (req, res) -> res.contentType("application/json")
                                    .sendString("{\"message\":\"Hello, World!\"}"))
                            .get("/stats/allocated-bytes", (req, res) -> res.contentType("text/plain")
                                    .sendString(Long.toString(AllocationCounter.totalAllocatedBytes())))
                            .get("/stats/transport", (req, res) -> res.contentType("text/plain")
                                    .sendString(TransportStats.render())))
                    .bindNow();
        } catch (RuntimeException e) {
            System.err.println(PROGRAM + ": failed to bind on [" + options.host() + ":" + options.port() + "]: "
                    + e.getMessage() + " (choose another port with --port)");
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.disposeNow(Duration.ofSeconds(5));
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }, PROGRAM + "-shutdown"));
        // One write: printf writes piece by piece, and a loop thread logging meanwhile would split the banner the
        // benchmark harness waits for in this process's output.
        System.out.print(String.format("%s (ix-http) on ix (%d event loop%s%s) listening on %s:%d%n"
                        + "  curl http://127.0.0.1:%d/plaintext%n"
                        + "Transport metrics: GET /stats/transport or ./ix stats. Press Ctrl-C to stop.%n",
                PROGRAM, options.threads(), options.threads() == 1 ? "" : "s",
                options.cpus().isEmpty() ? "" : " pinned to CPUs " + options.cpus(),
                options.host(), server.port(), server.port()));
        server.onDispose().block();
    }

    private static String usage() {
        return "usage: " + PROGRAM + " [options]\n"
                + SampleOptions.USAGE.formatted(DEFAULT_PORT).replace(
                "  --transport ix|epoll|io_uring|nio   transport (default ix; falls back to epoll/NIO if ix is unavailable)\n",
                "");
    }
}
