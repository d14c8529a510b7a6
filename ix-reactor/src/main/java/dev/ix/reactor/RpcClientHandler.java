package dev.ix.reactor;

import dev.ix.reactor.IxRpcException.Reason;
import dev.ix.transport.IxLoop;
import dev.ix.transport.IxTimer;
import dev.ix.transport.IxTimerWheel;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.IllegalReferenceCountException;
import io.netty.channel.EventLoop;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The client side of one RPC connection of an {@link IxRpcPool}: sends calls with fresh ids, matches responses to
 * them by id whatever their order, runs their deadlines on its loop's timer wheel, and bounds them.
 *
 * <p><b>Bounds.</b> At most {@code maxInFlight} calls are sent and unanswered; up to {@code maxQueued} more wait in
 * a queue (in order) and are sent as answers free places; a call beyond both is refused at once with
 * {@link Reason#REJECTED}. While the connection opens, all calls wait in the queue, up to both bounds together.
 *
 * <p><b>States</b> ({@link #state}, the loop's): {@code CONNECTING → OPEN} when connected; {@code CONNECTING | OPEN
 * → DRAINING} when the pool is disposed: calls already accepted go on, new ones are refused, the connection closes after its
 * last answer; {@code any → CLOSED} when the connect fails or the channel closes, failing every call still waiting
 * with {@link Reason#CONNECTION}. {@link #isClosed()} tells the pool, from any thread, to replace it.
 *
 * <p>Loop thread only, except {@link #loop}, {@link #isClosed()} and {@link #open}.
 */
final class RpcClientHandler extends RpcFrameHandler {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(RpcClientHandler.class);

    private enum State { CONNECTING, OPEN, DRAINING, CLOSED }

    final EventLoop loop;
    private final String remote;
    private final int maxInFlight;
    private final int maxQueued;
    private final LongAdder lateResponses;
    private final LongObjectHashMap<RpcClientCall> pending = new LongObjectHashMap<>();
    private final ArrayDeque<RpcClientCall> queued = new ArrayDeque<>();
    private volatile Channel channel;
    private volatile boolean closed;
    private State state = State.CONNECTING;
    private IxTimerWheel wheel;
    private long lastId;
    private Throwable closeCause;

    RpcClientHandler(EventLoop loop, String remote, int maxInFlight, int maxQueued, int maxFrameLength,
                     LongAdder lateResponses) {
        super(maxFrameLength);
        this.loop = loop;
        this.remote = remote;
        this.maxInFlight = maxInFlight;
        this.maxQueued = maxQueued;
        this.lateResponses = lateResponses;
    }

    /** Any thread: starts connecting on {@link #loop}. */
    ChannelFuture open(Bootstrap template) {
        ChannelFuture connect = template.clone(loop).handler(this).connect();
        channel = connect.channel();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                if (loop.inEventLoop()) {
                    connectFailed(f.cause());
                } else {
                    loop.execute(() -> connectFailed(f.cause()));
                }
            }
        });
        return connect;
    }

    /** @return the connection's channel, once {@link #open} has been called */
    Channel channel() {
        return channel;
    }

    /** Any thread: whether the connection is gone and must be replaced; also whether received bytes are unread. */
    @Override
    boolean isClosed() {
        return closed;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (state == State.CONNECTING) {
            state = State.OPEN;
        }
        sendQueued();
        ctx.fireChannelActive();
    }

    /** A call has reached the loop. */
    void start(RpcClientCall call) {
        if (state == State.CLOSED || state == State.DRAINING) {
            call.finish();
            call.fail(state == State.DRAINING
                    ? IxRpcException.of(Reason.DISPOSED, "the client is disposed; call not sent to " + remote)
                    : connectionLost());
            return;
        }
        if (call.deadlineNanos > 0) {
            IxTimerWheel w;
            try {
                w = wheel();
            } catch (IllegalStateException notIx) {
                call.finish();
                call.fail(notIx);
                return;
            }
            w.schedule((IxTimer) call, call.deadlineNanos, System.nanoTime());
        }
        if (state == State.OPEN && pending.size() < maxInFlight) {
            send(call);
        } else if (pending.size() + queued.size() < maxInFlight + maxQueued) {
            call.phase = RpcClientCall.QUEUED;
            queued.add(call);
        } else {
            call.finish();
            call.fail(IxRpcException.of(Reason.REJECTED, "call refused: " + pending.size() + " calls in flight"
                    + " (maxInFlight " + maxInFlight + ") and " + queued.size() + " queued (maxQueued " + maxQueued
                    + ") on the connection to " + remote + "; raise them, add connections, or slow down"));
        }
    }

    private void send(RpcClientCall call) {
        ByteBuf request = call.takeRequest();
        if (request.refCnt() == 0) {
            // Written, its header would go out without its payload and break the framing for every later call.
            call.finish();
            call.fail(new IllegalReferenceCountException("the request of an RPC call was released before it was "
                    + "sent: call(request) takes the request over; do not release it yourself"));
            return;
        }
        long id = ++lastId;
        call.id = id;
        call.phase = RpcClientCall.SENT;
        pending.put(id, call);
        out.frame(id, RpcFrame.REQUEST, request);
        flusher.request();
    }

    private void sendQueued() {
        while (state != State.CLOSED && ctx.channel().isActive() && pending.size() < maxInFlight) {
            RpcClientCall next = queued.poll();
            if (next == null) {
                break;
            }
            send(next);
        }
        if (state == State.DRAINING && pending.isEmpty() && queued.isEmpty()) {
            ctx.close();
        }
    }

    @Override
    void received() {
        if (takeFrames()) {
            sendQueued();
        }
    }

    @Override
    boolean wantsFrame() {
        return state != State.CLOSED;
    }

    @Override
    boolean accepts(byte kind) {
        return kind == RpcFrame.RESPONSE || kind == RpcFrame.ERROR;
    }

    @Override
    String expected() {
        return "a response";
    }

    @Override
    void frame(long id, byte kind, ByteBuf payload) {
        answer(id, kind, payload);
    }

    private void answer(long id, byte kind, ByteBuf payload) {
        RpcClientCall call = pending.remove(id);
        if (call == null) {
            // Its deadline passed or it was cancelled: nobody waits for this one.
            lateResponses.increment();
            payload.release();
            return;
        }
        call.finish();
        if (kind == RpcFrame.RESPONSE) {
            call.succeed(payload);
        } else {
            call.fail(IxRpcException.remote(RpcFrame.readError(payload)));
        }
    }

    /** The call's deadline timer fired. */
    void deadlinePassed(RpcClientCall call) {
        if (call.phase == RpcClientCall.DONE) {
            return;
        }
        boolean sent = call.phase == RpcClientCall.SENT;
        unregister(call);
        call.fail(IxRpcException.of(Reason.DEADLINE, "no response within " + call.deadlineNanos / 1_000_000
                + " ms from " + remote + (sent ? " (call " + call.id + ")" : " (call still queued, never sent)")));
        sendQueued();
    }

    /** The call's subscriber cancelled it. */
    void cancelled(RpcClientCall call) {
        unregister(call);
        sendQueued();
    }

    private void unregister(RpcClientCall call) {
        if (call.phase == RpcClientCall.SENT) {
            pending.remove(call.id);
        } else if (call.phase == RpcClientCall.QUEUED) {
            queued.remove(call); // linear, but bounded by maxQueued and only on a deadline or a cancel
        }
        call.finish();
    }

    /** The pool is being disposed: finish what was accepted (queued calls too, once connected), then close. */
    void drain() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.DRAINING;
        if (pending.isEmpty() && queued.isEmpty()) {
            channel.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed(null);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("{}: RPC connection to {} failed; closing it", ctx.channel(), remote, cause);
        closeCause = cause;
        ctx.close();
    }

    private void connectFailed(Throwable cause) {
        closeCause = cause;
        closed(cause);
    }

    @Override
    void malformed(String reason) {
        logger.warn("malformed RPC frame from {} ({}): {}; closing the connection", remote,
                ctx.channel().remoteAddress(), reason);
        closeCause = new IllegalStateException("malformed frame from the server: " + reason);
        closed(null);
        ctx.close();
    }

    /** Fails every call still waiting and releases what the connection holds; idempotent. */
    private void closed(Throwable connectFailure) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        closed = true;
        if (decoder != null) {
            decoder.release();
            out.release();
        }
        List<RpcClientCall> waiting = new ArrayList<>(pending.values());
        waiting.addAll(queued);
        pending.clear();
        queued.clear();
        IxRpcException failure = connectFailure != null
                ? IxRpcException.of(Reason.CONNECTION, "cannot connect to " + remote + ": " + connectFailure,
                connectFailure)
                : connectionLost();
        for (RpcClientCall call : waiting) {
            call.finish();
            call.fail(failure);
        }
    }

    private IxRpcException connectionLost() {
        return IxRpcException.of(Reason.CONNECTION, "the connection to " + remote + " closed before the response"
                + " came (the server may have run the call)", closeCause);
    }

    private IxTimerWheel wheel() {
        if (wheel == null) {
            wheel = IxLoop.current().orElseThrow(() -> new IllegalStateException("IxRpcClient runs on ix loops only "
                    + "(their timer wheels keep the deadlines); " + Thread.currentThread().getName() + " is not one: "
                    + "give runOn(...) a MultiThreadIoEventLoopGroup made with IxIoHandler.newFactory()"))
                    .timerWheel();
        }
        return wheel;
    }
}
