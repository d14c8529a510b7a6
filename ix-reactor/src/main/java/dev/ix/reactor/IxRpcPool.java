package dev.ix.reactor;

import dev.ix.reactor.IxRpcException.Reason;
import dev.ix.transport.IxLoop;
import dev.ix.transport.IxSocketChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Connections to one {@link IxRpcServer}, made by {@link IxRpcClient#connectNow()}, and the calls made on them.
 *
 * <h2>Calls</h2>
 * {@link #call(ByteBuf)} takes the connections in turn. Each connection carries many calls at once: requests go out
 * without waiting for earlier answers and answers come back in any order, matched by id. Subscribing hops to the
 * connection's loop, which writes the request (flushed once per loop turn with the other calls of that turn) and
 * arms the deadline on its timer wheel. The Mono's signals come on that loop thread: do not block in them
 * ({@code publishOn} to move on).
 *
 * <h2>Failures</h2>
 * The Mono fails with an {@link IxRpcException} whose {@link IxRpcException#reason() reason} says what happened: the
 * server answered an error (its message is the exception's), the deadline passed, the connection was lost (every
 * call waiting on it fails; a request longer than the server's {@code maxFrameLength} makes the server close the
 * connection), the connection's bounds were full, or the pool was disposed. Cancelling a call forgets
 * it; its response, should it still come, is released.
 *
 * <h2>Buffers</h2>
 * {@code call} takes ownership of the request buffer: it is released once written, or when the call fails or is
 * cancelled before that. Subscribe to the Mono once (a second subscription fails; to retry, build the call anew in
 * {@code Mono.defer}); a call never subscribed keeps its buffer, which its caller must then release. The response
 * buffer belongs to the subscriber, who releases it.
 *
 * <p>Thread-safe. {@link #disposeNow()} blocks, so call it from another thread than a loop.
 */
public final class IxRpcPool implements Disposable {
    private final String remote;
    private final long defaultDeadlineNanos;
    private final IxRpcClient spec;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Bootstrap bootstrap;
    private final AtomicReferenceArray<RpcClientHandler> connections;
    private final LongAdder lateResponses = new LongAdder();
    /** Round robin; a racy increment only skews the turn, never breaks it. */
    private int turn;
    private volatile boolean disposed;

    private IxRpcPool(IxRpcClient spec) {
        this.spec = spec;
        this.remote = spec.host + ":" + spec.port;
        this.defaultDeadlineNanos = spec.deadline.toNanos();
        this.ownsGroup = spec.group == null;
        int loops = spec.loops > 0 ? spec.loops
                : Math.min(spec.connections, Runtime.getRuntime().availableProcessors());
        this.group = ownsGroup
                ? IxLoopThreads.newGroup(loops, IxRpcClient.THREAD_NAME_PREFIX, true, spec.ixConfig)
                : spec.group;
        this.bootstrap = new Bootstrap().group(group).channel(IxSocketChannel.class).remoteAddress(spec.host,
                spec.port);
        ChannelOptions.applyTo(spec.options, bootstrap::option);
        this.connections = new AtomicReferenceArray<>(spec.connections);
    }

    static IxRpcPool connect(IxRpcClient spec) {
        if (IxLoop.current().isPresent()) {
            throw new IllegalStateException("connectNow() waits for the connections: call it from another thread than "
                    + Thread.currentThread().getName());
        }
        IxRpcPool pool = new IxRpcPool(spec);
        try {
            for (int i = 0; i < spec.connections; i++) {
                ChannelFuture connect = pool.connection(i).open(pool.bootstrap);
                if (!connect.awaitUninterruptibly().isSuccess()) {
                    throw new IllegalStateException("cannot connect to " + pool.remote + ": " + connect.cause(),
                            connect.cause());
                }
            }
        } catch (RuntimeException e) {
            pool.disposeNow(Duration.ZERO);
            throw e;
        }
        return pool;
    }

    /**
     * A call with the pool's default deadline. Any thread.
     *
     * @param request the request payload, owned by the call from now on (see the class comment)
     * @return a Mono that sends the request when subscribed (once) and emits the response, which its subscriber owns
     */
    public Mono<ByteBuf> call(ByteBuf request) {
        return new RpcCallMono(this, checkRequest(request), defaultDeadlineNanos);
    }

    /**
     * A call with its own deadline. Any thread.
     *
     * @param request  the request payload, owned by the call from now on (see the class comment)
     * @param deadline how long the call may take from its subscription; positive, with the wheel's 1 ms tick
     * @return a Mono that sends the request when subscribed (once) and emits the response, which its subscriber owns
     */
    public Mono<ByteBuf> call(ByteBuf request, Duration deadline) {
        return new RpcCallMono(this, checkRequest(request), IxRpcClient.checkDeadline(deadline).toNanos());
    }

    private static ByteBuf checkRequest(ByteBuf request) {
        if (request == null) {
            throw new IllegalArgumentException("request: null (expected: a buffer, Unpooled.EMPTY_BUFFER for none)");
        }
        return request;
    }

    /** Subscriber's thread: gives a subscribed call to the next connection. */
    void start(RpcClientCall call) {
        if (disposed) {
            call.releaseRequest();
            call.fail(IxRpcException.of(Reason.DISPOSED, "the client is disposed; call not sent to " + remote));
            return;
        }
        int i = Math.floorMod(turn++, connections.length());
        call.start(connection(i));
    }

    /** @return connection {@code i}, opening a new one in its place when it is missing or closed */
    private RpcClientHandler connection(int i) {
        RpcClientHandler c = connections.get(i);
        while (c == null || c.isClosed()) {
            RpcClientHandler fresh = new RpcClientHandler(group.next(), remote, spec.maxInFlight, spec.maxQueued,
                    spec.maxFrameLength, lateResponses);
            if (connections.compareAndSet(i, c, fresh)) {
                if (c != null) { // a replacement, not the first opening by connectNow
                    fresh.open(bootstrap);
                }
                return fresh;
            }
            c = connections.get(i);
        }
        return c;
    }

    /** @return responses that came after their call's deadline or cancellation (and were released) */
    public long lateResponses() {
        return lateResponses.sum();
    }

    /** @return the channels of the pool's connections now (none for a slot not opened yet) */
    Channel[] channels() {
        Channel[] channels = new Channel[connections.length()];
        for (int i = 0; i < channels.length; i++) {
            RpcClientHandler c = connections.get(i);
            channels[i] = c == null ? null : c.channel();
        }
        return channels;
    }

    /** Disposes in the background, as {@link #disposeNow()} does, without waiting. */
    @Override
    public void dispose() {
        if (!disposed) {
            Schedulers.boundedElastic().schedule(() -> disposeNow(Duration.ofSeconds(IxServer.DEFAULT_DISPOSE_SECONDS)));
        }
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }

    /** {@link #disposeNow(Duration)} with {@value IxServer#DEFAULT_DISPOSE_SECONDS} s. */
    public void disposeNow() {
        disposeNow(Duration.ofSeconds(IxServer.DEFAULT_DISPOSE_SECONDS));
    }

    /**
     * Stops the pool and waits until it has stopped: new calls fail with {@link Reason#DISPOSED}; calls already
     * made (in flight or queued) are given {@code timeout} to be answered, each connection closing after its last
     * answer; connections still open then are closed (their calls fail with {@link Reason#CONNECTION}); loops the
     * pool created are shut down. Idempotent.
     *
     * @throws IllegalStateException when called on a loop thread (it would wait for itself)
     */
    public void disposeNow(Duration timeout) {
        if (IxLoop.current().isPresent()) {
            throw new IllegalStateException("disposeNow() waits for the pool's loops: call it from another thread "
                    + "than " + Thread.currentThread().getName());
        }
        disposed = true;
        Channel[] channels = channels();
        for (int i = 0; i < channels.length; i++) {
            RpcClientHandler c = connections.get(i);
            if (c != null && channels[i] != null) {
                // Refused when its loop has shut down (runOn loops stopped first): the connection is closed already.
                LoopTasks.tryExecute(c.loop, c::drain);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Channel ch : channels) {
            if (ch != null) {
                ch.closeFuture().awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                ch.close().awaitUninterruptibly();
            }
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS).awaitUninterruptibly();
        }
    }

    @Override
    public String toString() {
        return "IxRpcPool(" + remote + ", " + connections.length() + " connections)";
    }
}
