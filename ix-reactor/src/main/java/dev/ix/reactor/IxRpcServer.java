package dev.ix.reactor;

import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Mono;

import java.util.function.Function;

/**
 * An RPC server on ix: length-prefixed request frames, each answered by a {@code Mono<ByteBuf>} handler, many calls
 * in flight per connection. {@link IxRpcClient} is its client.
 * <pre>{@code
 * IxServer server = IxRpcServer.create().port(7000)
 *         .handle(request -> Mono.just(request.retain()))      // echo
 *         .bindNow();
 * }</pre>
 *
 * <h2>Calls</h2>
 * Frames are {@code u32 length | u64 id | u8 kind | payload} (big-endian; see the module README). Every request runs
 * the handler on its connection's loop thread, at once, in the turn that received it (run to completion); the
 * handler may answer at once ({@code Mono.just}) or later from anywhere (a timer, {@code IxBackground}, another
 * service). Responses go out as they complete, in any order, each with its request's id, so one slow call does not
 * hold back the others on its connection (multiplexing), and a client may send many requests without waiting
 * (pipelining). Writes are flushed once per read batch, or once per loop turn for responses completed later.
 *
 * <h2>Errors</h2>
 * A handler that throws, returns null, signals an error or completes empty answers its caller with an error
 * response carrying the exception's message (cut to 4 KiB of UTF-8); the connection stays open. A malformed frame (a
 * length shorter than 9 or above {@link #maxFrameLength}, an unknown or misdirected kind) closes the connection, with
 * one WARN line naming the reason and the peer; every buffer it held is released.
 *
 * <h2>Flow control</h2>
 * At {@link #maxInFlight} requests in flight on a connection the server stops reading it until half of them are
 * answered, and it stops too while the connection is not writable (a client that does not read its answers): the
 * client is pushed back by TCP's window, and answers never pile up in memory. Stopping the server
 * ({@link IxServer#disposeNow()}) lets the calls in flight finish, answers them, then closes each connection; requests
 * received and not yet started (held back by the bound) are not answered.
 *
 * <h2>Buffers</h2>
 * The request handed to the handler is a buffer of its own (copied out of the receive mbuf, which goes back to the
 * loop at once): it belongs to the server, which releases it when the handler's Mono terminates or is cancelled.
 * To keep it longer, to send it back, or to read it on another thread (work that may outlive a closing connection),
 * {@code retain()} it and release it when done. The buffer the Mono emits belongs to the server from
 * then on: it is written and released. When a connection closes, the Monos of its calls in flight are cancelled.
 *
 * <p>Immutable like every {@link IxServerSpec}: each method returns a new server and leaves this one as it was.
 */
public final class IxRpcServer extends IxServerSpec<IxRpcServer> {
    /** Requests in flight per connection before the server stops reading it: {@value}. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 128;
    /** Largest frame accepted by default, in bytes after the length field: {@value} (1 MiB). */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 1 << 20;
    /** Thread name prefix of the loops the server creates: {@value}. */
    public static final String THREAD_NAME_PREFIX = "ix-rpc";

    private final Function<? super ByteBuf, ? extends Mono<ByteBuf>> handler;
    private final int maxInFlight;
    private final int maxFrameLength;

    private IxRpcServer(ServerSettings settings, Function<? super ByteBuf, ? extends Mono<ByteBuf>> handler,
                        int maxInFlight, int maxFrameLength) {
        super(settings);
        this.handler = handler;
        this.maxInFlight = maxInFlight;
        this.maxFrameLength = maxFrameLength;
    }

    /** @return a server with the defaults and no handler yet */
    public static IxRpcServer create() {
        return new IxRpcServer(ServerSettings.defaults(), null, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_FRAME_LENGTH);
    }

    @Override
    protected IxRpcServer withSettingsOf(IxServerSpec<?> source) {
        return new IxRpcServer(source.settings, handler, maxInFlight, maxFrameLength);
    }

    /**
     * @param handler answers each request; called on the connection's loop thread, so it must not block (move
     *                blocking work to {@code IxBackground} or a Reactor scheduler). It receives the request payload
     *                (the server's: see the class comment) and returns the Mono of the response payload.
     */
    public IxRpcServer handle(Function<? super ByteBuf, ? extends Mono<ByteBuf>> handler) {
        if (handler == null) {
            throw new IllegalArgumentException("handler: null (expected: request -> Mono of the response)");
        }
        return new IxRpcServer(settings, handler, maxInFlight, maxFrameLength);
    }

    /** @param maxInFlight requests in flight per connection before it stops being read, at least 1 */
    public IxRpcServer maxInFlight(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: >= 1)");
        }
        return new IxRpcServer(settings, handler, maxInFlight, maxFrameLength);
    }

    /**
     * @param maxFrameLength the largest frame accepted, in bytes after the length field (id, kind and payload: a
     *                       payload may have {@code maxFrameLength - 9} bytes); at least 9. A longer frame closes
     *                       the connection before anything is allocated for it.
     */
    public IxRpcServer maxFrameLength(int maxFrameLength) {
        if (maxFrameLength < RpcFrame.ID_AND_KIND_BYTES) {
            throw new IllegalArgumentException("maxFrameLength: " + maxFrameLength + " (expected: >= "
                    + RpcFrame.ID_AND_KIND_BYTES + ", the id and kind of an empty payload)");
        }
        return new IxRpcServer(settings, handler, maxInFlight, maxFrameLength);
    }

    /**
     * Binds one listener per loop and waits until all are bound.
     *
     * @return the running server, to stop with {@link IxServer#disposeNow()}
     * @throws IllegalStateException when no handler was given, when called on a loop thread, or when a bind fails
     */
    public IxServer bindNow() {
        if (handler == null) {
            throw new IllegalStateException("no handler: call handle(request -> ...) before bindNow()");
        }
        Function<? super ByteBuf, ? extends Mono<ByteBuf>> h = handler;
        int inFlight = maxInFlight;
        int frameLength = maxFrameLength;
        return ListeningServer.bind(settings, THREAD_NAME_PREFIX,
                ch -> ch.pipeline().addLast(new RpcServerHandler(h, inFlight, frameLength)));
    }
}
