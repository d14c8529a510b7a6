package dev.ix.bench.peer;

import dev.ix.reactor.IxLoopResources;
import dev.ix.samples.AllocationCounter;
import dev.ix.transport.IxIoHandlerConfig;
import dev.ix.transport.IxTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import org.reactivestreams.Publisher;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * The Reactor Netty peer: the samples' {@code HelloServer} routes and headers ({@code Content-Type},
 * {@code Server}, {@code Date}, {@code Content-Length}) written the idiomatic Reactor Netty way, on
 * {@code --threads} event loops that also accept. The line printed once bound names the transport it runs on.
 *
 * <p>{@code --transport native} leaves the choice to Reactor Netty ({@code LoopResources.create(name, threads,
 * true)}). Reactor Netty 1.3 prefers Netty's io_uring to epoll when both are on the classpath and work, as they do
 * with the samples on a recent kernel; {@code --transport epoll} and {@code --transport nio} pin the transport, and
 * {@code --transport ix} runs Reactor Netty on ix loops ({@link IxLoopResources}, default settings).
 *
 * <p>Every transport accepts on its worker loops: that is Reactor Netty's own default ({@code reactor.netty.ioSelectCount}
 * unset), the way {@link IxLoopResources} serves, and the way the samples' {@code HelloServer} binds. A separate
 * accept thread on one transport only would make the peers differ in more than the transport.
 *
 * <pre>
 *   GET /plaintext               200 text/plain        Hello, World!
 *   GET /json                    200 application/json  {"message":"Hello, World!"}
 *   GET /stats/allocated-bytes   200 text/plain        heap bytes this JVM has allocated so far
 * </pre>
 *
 * <p>Options: {@code --transport native|epoll|nio|ix} (default native), {@code --host ADDRESS} (default 0.0.0.0),
 * {@code --port N} (default 8080), {@code --threads N} (default 1). Serves until the JVM is stopped.
 */
public final class ReactorNettyServer {

    private static final ByteBuf PLAINTEXT = constant("Hello, World!");
    private static final ByteBuf JSON = constant("{\"message\":\"Hello, World!\"}");
    private static final AsciiString PLAINTEXT_LENGTH = AsciiString.cached(Integer.toString(PLAINTEXT.readableBytes()));
    private static final AsciiString JSON_LENGTH = AsciiString.cached(Integer.toString(JSON.readableBytes()));
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain");
    private static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");
    private static final AsciiString SERVER_NAME = AsciiString.cached("reactor-netty");
    private static final List<String> TRANSPORTS = List.of("native", "epoll", "nio", "ix");

    private ReactorNettyServer() {
    }

    /**
     * Serves until the JVM is stopped; exits with status 2 for a bad command line, 1 when the transport cannot run.
     */
    public static void main(String[] args) {
        String transport = "native";
        String host = "0.0.0.0";
        int port = 8080;
        int threads = 1;
        try {
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + ": missing value");
                }
                String value = args[++i];
                switch (flag) {
                    case "--transport" -> {
                        if (!TRANSPORTS.contains(value)) {
                            throw new IllegalArgumentException("--transport: " + value
                                    + " (expected: one of " + TRANSPORTS + ")");
                        }
                        transport = value;
                    }
                    case "--host" -> host = value;
                    case "--port" -> port = intIn(flag, value, 0, 65535);
                    case "--threads" -> threads = intIn(flag, value, 1, 1024);
                    default -> throw new IllegalArgumentException("unknown option: " + flag);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("ReactorNettyServer: " + e.getMessage()
                    + "\nusage: ReactorNettyServer [--transport native|epoll|nio|ix] [--host ADDRESS] [--port N] [--threads N]");
            System.exit(2);
            return;
        }

        if (transport.equals("epoll") && !Epoll.isAvailable()) {
            System.err.println("ReactorNettyServer: epoll transport unavailable: " + Epoll.unavailabilityCause());
            System.exit(1);
            return;
        }
        if (transport.equals("ix") && !IxTransport.isAvailable()) {
            System.err.println("ReactorNettyServer: ix transport unavailable: " + IxTransport.unavailabilityCause());
            System.exit(1);
            return;
        }
        DisposableServer server = HttpServer.create()
                .host(host)
                .port(port)
                .runOn(loops(transport, threads))
                .route(routes -> routes
                        .get("/plaintext", (request, response) -> send(response, PLAINTEXT, PLAINTEXT_LENGTH, TEXT_PLAIN))
                        .get("/json", (request, response) -> send(response, JSON, JSON_LENGTH, APPLICATION_JSON))
                        .get(PeerProcess.STATS_PATH, (request, response) -> {
                            ByteBuf body = Unpooled.copiedBuffer(Long.toString(AllocationCounter.totalAllocatedBytes()),
                                    StandardCharsets.US_ASCII);
                            return send(response, body, AsciiString.of(Integer.toString(body.readableBytes())),
                                    TEXT_PLAIN);
                        }))
                .bindNow();
        // One write: printf writes piece by piece, and a loop thread logging meanwhile would split the banner the
        // harness waits for in this process's output.
        System.out.print(String.format("ReactorNettyServer on %s (%d event loop%s) listening on %s:%d%n",
                transportName(server.channel().getClass().getSimpleName()), threads, threads == 1 ? "" : "s",
                host, server.port()));
        server.onDispose().block();
    }

    private static LoopResources loops(String transport, int threads) {
        return switch (transport) {
            case "epoll" -> new FixedLoops(EpollIoHandler.newFactory(), "epoll", threads);
            case "nio" -> new FixedLoops(NioIoHandler.newFactory(), "nio", threads);
            // Default settings, as the ix peer's HelloServer runs; -Ddev.ix.transport.* apply to both.
            case "ix" -> IxLoopResources.create(threads, IxIoHandlerConfig.defaults());
            default -> LoopResources.create("reactor-netty", threads, true);
        };
    }

    private static Publisher<Void> send(HttpServerResponse response, ByteBuf body, AsciiString length,
                                        AsciiString type) {
        return response
                .header(HttpHeaderNames.CONTENT_TYPE, type)
                .header(HttpHeaderNames.SERVER, SERVER_NAME)
                .header(HttpHeaderNames.DATE, HttpDate.now())
                .header(HttpHeaderNames.CONTENT_LENGTH, length)
                .sendObject(body.duplicate());
    }

    private static String transportName(String serverChannelClass) {
        if (serverChannelClass.startsWith("Epoll")) {
            return "epoll";
        }
        if (serverChannelClass.startsWith("IoUring") || serverChannelClass.startsWith("IOUring")) {
            return "io_uring";
        }
        if (serverChannelClass.startsWith("Ix")) {
            return "ix";
        }
        if (serverChannelClass.startsWith("KQueue")) {
            return "kqueue";
        }
        return serverChannelClass.startsWith("Nio") ? "nio" : serverChannelClass;
    }

    private static ByteBuf constant(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes.length, bytes.length).writeBytes(bytes));
    }

    private static int intIn(String flag, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(flag + ": " + value + " (expected: " + min + ".." + max + ")");
    }

    /**
     * Loops on one given transport, shaped as {@code LoopResources.create(name, threads, true)} makes them:
     * {@code threads} loops that accept as well as serve, daemon threads. Reactor Netty derives the channel type
     * from the loops' I/O handler.
     */
    private static final class FixedLoops implements LoopResources {

        private final EventLoopGroup loops;

        FixedLoops(IoHandlerFactory transport, String name, int threads) {
            loops = new MultiThreadIoEventLoopGroup(threads,
                    new DefaultThreadFactory("reactor-netty-" + name, true), transport);
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
        public boolean daemon() {
            return true;
        }
    }

    /** The {@code Date} header value, formatted again only when the second changes; shared by all event loops. */
    private static final class HttpDate {

        private record Stamp(long second, AsciiString value) {
        }

        private static volatile Stamp stamp = new Stamp(-1, AsciiString.EMPTY_STRING);

        static AsciiString now() {
            long second = System.currentTimeMillis() / 1000;
            Stamp current = stamp;
            if (current.second() != second) {
                // Loops racing here format the same value; whichever write lands is right.
                current = new Stamp(second, new AsciiString(DateFormatter.format(new Date(second * 1000))));
                stamp = current;
            }
            return current.value();
        }
    }
}
