package dev.ix.reactor;

import io.netty.channel.ChannelOption;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * A TCP server on ix loops, in Reactor Netty's shape:
 *
 * <pre>{@code
 * IxServer server = IxTcpServer.create()
 *         .port(7000).loops(2).cpus(0, 1)
 *         .handle((in, out) -> out.send(in.receive().retain()))   // echo
 *         .bindNow();
 * ...
 * server.disposeNow(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>Each loop has its own {@code SO_REUSEPORT} listener and keeps the connections it accepted (IX's per-core
 * dataplanes). The handler is called on the connection's loop when it connects; every operator of the
 * {@code Publisher<Void>} it returns runs there too unless the handler moves it ({@link IxSchedulers}). When that
 * publisher completes the connection closes, once the kernel has taken what it sent; when it errors, the error is
 * logged and the connection closes.
 *
 * <p>Connections have {@code TCP_NODELAY} on and half-closure allowed (the peer's FIN completes
 * {@link IxInbound#receive()}, and the handler may still send), and always {@code autoRead} off: demand reads.
 *
 * <p>Immutable and thread-safe: every method returns a new server spec.
 */
public final class IxTcpServer extends IxServerSpec<IxTcpServer> {
    /** Names the loops a server creates: {@code ix-tcp-N}. */
    static final String THREAD_NAME_PREFIX = "ix-tcp";

    private final BiFunction<? super IxInbound, ? super IxOutbound, ? extends Publisher<Void>> handler;
    private final Consumer<? super IxConnection> onConnection;

    private IxTcpServer(ServerSettings settings,
                        BiFunction<? super IxInbound, ? super IxOutbound, ? extends Publisher<Void>> handler,
                        Consumer<? super IxConnection> onConnection) {
        super(settings);
        this.handler = handler;
        this.onConnection = onConnection;
    }

    /** @return a server on all addresses, a free port and one loop per available processor, without a handler */
    public static IxTcpServer create() {
        return new IxTcpServer(ServerSettings.defaults().withChildOption(ChannelOption.TCP_NODELAY, true), null,
                null);
    }

    @Override
    protected IxTcpServer withSettingsOf(IxServerSpec<?> source) {
        return new IxTcpServer(source.settings, handler, onConnection);
    }

    /**
     * @param handler called on the connection's loop for each new connection; what it returns is subscribed there,
     *                and the connection closes when it terminates
     */
    public IxTcpServer handle(BiFunction<? super IxInbound, ? super IxOutbound, ? extends Publisher<Void>> handler) {
        if (handler == null) {
            throw new IllegalArgumentException("handler: null");
        }
        return new IxTcpServer(settings, handler, onConnection);
    }

    /**
     * @param action called on the connection's loop before the handler, e.g. to add Netty handlers with
     *               {@code c.channel().pipeline().addFirst(...)}; they see the bytes before ix-reactor does
     */
    public IxTcpServer doOnConnection(Consumer<? super IxConnection> action) {
        return new IxTcpServer(settings, handler, action);
    }

    /**
     * Binds one listener per loop and waits until all are bound. Not on a loop thread.
     *
     * @return the running server
     * @throws IllegalStateException when no handler was given, on a loop thread, or when a bind fails (the message
     *                               says why, e.g. the address is in use)
     */
    public IxServer bindNow() {
        if (handler == null) {
            throw new IllegalStateException("IxTcpServer: no handler; call handle((in, out) -> ...) before bind");
        }
        BiFunction<? super IxInbound, ? super IxOutbound, ? extends Publisher<Void>> h = handler;
        Consumer<? super IxConnection> before = onConnection;
        return ListeningServer.bind(settings, THREAD_NAME_PREFIX, ch -> Connections.init(ch, h, before));
    }

    /** @return a Mono that binds ({@link #bindNow()}) on a thread that may wait, when subscribed */
    public Mono<IxServer> bind() {
        return Mono.fromCallable(this::bindNow).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public String toString() {
        return "IxTcpServer(" + settings.address() + ")";
    }
}
