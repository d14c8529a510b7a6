package dev.ix.reactor;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import reactor.core.publisher.Mono;

import java.util.function.Function;

/**
 * The server side of one RPC connection: decodes requests, runs the handler on the connection's loop, writes each
 * response with its request's id as it completes (in any order), and bounds the requests in flight.
 *
 * <p><b>Flow control.</b> At {@code maxInFlight} requests in flight, or while the channel is not writable (the peer
 * does not read its answers), the handler stops taking frames and turns {@code autoRead} off, so the socket's receive
 * window fills and the client is pushed back; bytes already received
 * wait, copied out of the mbufs, in the decoder. Frames are taken again as soon as a response frees a place, and
 * reading resumes once no more than half of {@code maxInFlight} are in flight (the gap keeps a connection under
 * sustained overload from switching receive on and off for every response).
 *
 * <p><b>Flushing.</b> Responses completed while the connection reads (handlers that answer at once, the run to
 * completion case) are flushed by {@code channelReadComplete}: one flush per read batch. Responses completed later
 * (on a timer, from another thread) are flushed once per loop turn by a {@link TurnFlush}.
 *
 * <p><b>States:</b> {@code OPEN → DRAINING} when the server stops ({@link ListeningServer#STOPPING}): no more
 * frames are taken, reading stops, and the connection closes once its last response is written. {@code OPEN |
 * DRAINING → CLOSED} on a malformed frame or when the channel closes; in-flight handlers are then cancelled and their
 * requests released.
 *
 * <p>Loop thread only, except where {@link RpcServerCall} says otherwise.
 */
final class RpcServerHandler extends RpcFrameHandler {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(RpcServerHandler.class);

    private enum State { OPEN, DRAINING, CLOSED }

    private final Function<? super ByteBuf, ? extends Mono<ByteBuf>> handler;
    private final int maxInFlight;
    private final int resumeAt;
    private State state = State.OPEN;
    private boolean reading = true;
    private boolean inRead;
    private boolean dispatching;
    private int inFlight;
    /** Calls in flight, an intrusive list so that closing can cancel them all without a collection per call. */
    private RpcServerCall head;

    RpcServerHandler(Function<? super ByteBuf, ? extends Mono<ByteBuf>> handler, int maxInFlight, int maxFrameLength) {
        super(maxFrameLength);
        this.handler = handler;
        this.maxInFlight = maxInFlight;
        this.resumeAt = maxInFlight / 2;
    }

    @Override
    void received() {
        inRead = true;
        dispatchFrames();
    }

    @Override
    boolean isClosed() {
        return state == State.CLOSED;
    }

    @Override
    boolean wantsFrame() {
        // A peer that does not read its answers stops its requests too: answers never pile up beyond the channel's
        // write buffer high water mark plus one turn's worth.
        return state == State.OPEN && inFlight < maxInFlight && ctx.channel().isWritable();
    }

    @Override
    boolean accepts(byte kind) {
        return kind == RpcFrame.REQUEST;
    }

    @Override
    String expected() {
        return "a request";
    }

    @Override
    void frame(long id, byte kind, ByteBuf payload) {
        dispatch(id, payload);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inRead = false;
        flushNow();
    }

    /** Dispatches the buffered frames while places are free, then decides whether the connection should read. */
    private void dispatchFrames() {
        if (dispatching) {
            return; // a handler answered inside dispatch: the loop in takeFrames goes on with the next frame
        }
        dispatching = true;
        boolean wellFormed;
        try {
            wellFormed = takeFrames();
        } finally {
            dispatching = false;
        }
        if (!wellFormed || state != State.OPEN) {
            return;
        }
        if (inFlight >= maxInFlight || !ctx.channel().isWritable()) {
            setReading(false);
        } else if (inFlight <= resumeAt) {
            setReading(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && state == State.OPEN) {
            dispatchFrames(); // the frames held back, then reading again
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void dispatch(long id, ByteBuf request) {
        RpcServerCall call = new RpcServerCall(this, ctx.executor(), id, request);
        link(call);
        Mono<ByteBuf> response;
        try {
            response = handler.apply(request);
        } catch (Throwable t) {
            call.onError(t);
            return;
        }
        if (response == null) {
            call.onError(new NullPointerException("the handler returned null instead of a Mono"));
            return;
        }
        try {
            response.subscribe(call);
        } catch (Throwable t) {
            call.onError(t); // an operator that broke the rules: still an answer, not a closed connection
        }
    }

    /**
     * On the loop: a call's outcome, a response or an error message.
     *
     * @param response owned here; null when the outcome is an error
     */
    void complete(RpcServerCall call, ByteBuf response, String errorMessage) {
        if (call.finished) {
            ReferenceCountUtil.release(response); // cancelled by the close: nobody waits for it
            return;
        }
        unlink(call);
        if (state == State.CLOSED) {
            ReferenceCountUtil.release(response);
            return;
        }
        if (response != null) {
            writeResponse(call.id, response);
        } else {
            out.error(call.id, errorMessage);
        }
        if (!inRead) {
            flusher.request();
        }
        if (state == State.DRAINING) {
            if (inFlight == 0) {
                flushNow();
                ctx.close();
            }
        } else {
            dispatchFrames();
        }
    }

    private void writeResponse(long id, ByteBuf response) {
        if (response.refCnt() == 0) {
            out.error(id, "the handler's response buffer was already released");
            return;
        }
        out.frame(id, RpcFrame.RESPONSE, response);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ListeningServer.STOPPING) {
            if (state == State.OPEN) {
                state = State.DRAINING;
                setReading(false);
                if (inFlight == 0) {
                    flushNow(); // answers completed this turn may still wait for their flush task
                    ctx.close();
                }
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        close();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("{}: RPC connection failed; closing it", ctx.channel(), cause);
        ctx.close();
    }

    @Override
    void malformed(String reason) {
        logger.warn("malformed RPC frame from {}: {}; closing the connection", ctx.channel().remoteAddress(), reason);
        out.writeOut(); // the answers to the good requests before it
        close();
        ctx.flush();
        ctx.close();
    }

    /** Releases everything the connection holds and cancels its handlers; idempotent. */
    private void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        decoder.release();
        out.release();
        for (RpcServerCall c = head; c != null; c = c.next) {
            c.finished = true;
            c.cancel();
            c.request.release();
            c.request = null;
        }
        head = null;
        inFlight = 0;
    }

    private void setReading(boolean on) {
        if (reading != on) {
            reading = on;
            ctx.channel().config().setAutoRead(on);
        }
    }

    private void link(RpcServerCall call) {
        call.next = head;
        if (head != null) {
            head.prev = call;
        }
        head = call;
        inFlight++;
    }

    private void unlink(RpcServerCall call) {
        call.finished = true;
        if (call.prev != null) {
            call.prev.next = call.next;
        } else {
            head = call.next;
        }
        if (call.next != null) {
            call.next.prev = call.prev;
        }
        call.prev = call.next = null;
        inFlight--;
        call.request.release();
        call.request = null;
    }
}
