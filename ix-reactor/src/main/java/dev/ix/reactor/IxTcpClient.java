package dev.ix.reactor;

import dev.ix.transport.IxLoop;
import dev.ix.transport.IxSocketChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * A TCP client on ix loops, in Reactor Netty's shape:
 *
 * <pre>{@code
 * IxConnection c = IxTcpClient.create().host("localhost").port(7000)
 *         .handle((in, out) -> out.sendString(Mono.just("ping")).then(in.receive().then()))
 *         .connectNow();
 * c.onDispose().block();
 * }</pre>
 *
 * <p>Which loop: started from an ix loop thread, the connection stays on that loop (its handler runs to completion
 * beside the caller's); otherwise it goes to the next loop of {@link #runOn} or, by default, of a shared group of
 * daemon ix loops ({@code ix-tcp-client-N}, one per processor).
 *
 * <p>With {@link #handle} the connection closes when the handler's publisher terminates, as on the server. Without,
 * the caller drives {@link IxConnection#inbound()} and {@link IxConnection#outbound()} (subscribing to what it sends)
 * and closes it with {@link IxConnection#dispose()}. Connections have {@code TCP_NODELAY} on, half-closure allowed
 * and {@code autoRead} off (demand reads).
 *
 * <p>Immutable and thread-safe: every method returns a new client spec.
 */
public final class IxTcpClient {
    private final String host;
    private final int port;
    private final EventLoopGroup group;
    private final Map<ChannelOption<?>, Object> options;
    private final BiFunction<? super IxInbound, ? super IxOutbound, ? extends Publisher<Void>> handler;
    private final Consumer<? super IxConnection> onConnection;

    private IxTcpClient(String host, int port, EventLoopGroup group, Map<ChannelOption<?>, Object> options,
                        BiFunction<? super IxInbound, ? super IxOutbound, ? extends Publisher<Void>> handler,
                        Consumer<? super IxConnection> onConnection) {
        this.host = host;
        this.port = port;
        this.group = group;
        this.options = Map.copyOf(options);
        this.handler = handler;
        this.onConnection = onConnection;
    }

    /** @return a client for {@code localhost}, without a port yet */
    public static IxTcpClient create() {
        return new IxTcpClient("localhost", -1, null, Map.of(ChannelOption.TCP_NODELAY, true), null, null);
    }

    /**
     * @param host the server's address, or a name: looked up at each connect on {@link IxSchedulers#background()},
     *             never on the subscribing thread (which may be a loop)
     */
    public IxTcpClient host(String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: '" + host + "' (expected: a name or an address)");
        }
        return new IxTcpClient(host, port, group, options, handler, onConnection);
    }

    /** @param port the server's port, 1..65535 */
    public IxTcpClient port(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        return new IxTcpClient(host, port, group, options, handler, onConnection);
    }

    /** @param address the server's address (host and port) */
    public IxTcpClient remoteAddress(InetSocketAddress address) {
        return host(address.getHostString()).port(address.getPort());
    }

    /** @param group ix loops to connect from (see the class comment); null: the shared client loops */
    public IxTcpClient runOn(EventLoopGroup group) {
        return new IxTcpClient(host, port, group, options, handler, onConnection);
    }

    /**
     * @param option a channel option of the connection ({@code AUTO_READ} is ignored: demand reads)
     * @param value  its value; null removes it
     */
    public <T> IxTcpClient option(ChannelOption<T> option, T value) {
        return new IxTcpClient(host, port, group, ChannelOptions.with(options, option, value), handler,
                onConnection);
    }

    /** @param handler called on the connection's loop once connected; the connection closes when it terminates */
    public IxTcpClient handle(BiFunction<? super IxInbound, ? super IxOutbound, ? extends Publisher<Void>> handler) {
        return new IxTcpClient(host, port, group, options, handler, onConnection);
    }

    /** @param action called on the connection's loop before the handler (e.g. to add Netty handlers) */
    public IxTcpClient doOnConnection(Consumer<? super IxConnection> action) {
        return new IxTcpClient(host, port, group, options, handler, action);
    }

    /**
     * @return a Mono that connects when subscribed and emits the connection once it is connected (on its loop), or
     *         the connect's error
     */
    public Mono<IxConnection> connect() {
        return Mono.defer(() -> {
            if (port < 0) {
                return Mono.error(new IllegalStateException("IxTcpClient: no port; call port(n) before connect"));
            }
            EventLoop loop = loop(); // chosen on the subscribing thread: a client started on a loop stays there
            if (NetUtil.createByteArrayFromIpAddressString(host) != null) {
                return connect(new InetSocketAddress(host, port), loop);
            }
            // A name: the lookup may block on DNS, so it runs on a background thread, never on the caller's (which
            // may be an ix loop).
            return Mono.fromCallable(() -> new InetSocketAddress(host, port))
                    .subscribeOn(IxSchedulers.background())
                    .flatMap(address -> connect(address, loop));
        });
    }

    private Mono<IxConnection> connect(InetSocketAddress address, EventLoop loop) {
        return Mono.defer(() -> {
            Bootstrap b = new Bootstrap().group(loop).channel(IxSocketChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            Connections.init(ch, handler, onConnection);
                        }
                    });
            ChannelOptions.applyTo(options, b::option);
            ChannelFuture f = b.connect(address);
            return Mono.<IxConnection>create(sink -> {
                AtomicBoolean cancelled = new AtomicBoolean();
                sink.onCancel(() -> {
                    cancelled.set(true);
                    f.channel().close();
                });
                f.addListener(done -> {
                    if (done.isSuccess()) {
                        sink.success(f.channel().pipeline().get(ConnectionHandler.class).connection());
                    } else if (!cancelled.get()) { // a cancelled connect fails by design: nobody to tell
                        sink.error(done.cause());
                    }
                });
            });
        });
    }

    /**
     * Connects and waits. Not on a loop thread.
     *
     * @param timeout how long the connect may take
     * @throws IllegalStateException on a loop thread, or when the connect fails or takes longer (with the cause)
     */
    public IxConnection connectNow(Duration timeout) {
        if (IxLoop.current().isPresent()) {
            throw new IllegalStateException("connectNow() waits: on a loop thread use connect() and compose");
        }
        try {
            return connect().block(timeout);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** @return {@link #connectNow(Duration)} with 30 s */
    public IxConnection connectNow() {
        return connectNow(Duration.ofSeconds(30));
    }

    /** The calling loop when it belongs to the group (or no group was given), else the group's next. */
    private EventLoop loop() {
        EventLoopGroup g = group == null ? ClientLoops.shared() : group;
        Optional<IxLoop> current = IxLoop.current();
        if (current.isPresent()) {
            EventExecutor e = current.get().executor();
            if (group == null || belongsTo(e, group)) {
                return (EventLoop) e;
            }
        }
        return g.next();
    }

    private static boolean belongsTo(EventExecutor e, EventLoopGroup group) {
        for (EventExecutor member : group) {
            if (member == e) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "IxTcpClient(" + host + ":" + port + ")";
    }
}
