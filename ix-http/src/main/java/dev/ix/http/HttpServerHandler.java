package dev.ix.http;

import dev.ix.reactor.GatheringWriter;
import dev.ix.reactor.TurnFlush;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * One HTTP/1.1 connection: feeds the {@link RequestParser}, runs each request's {@link HttpExchange} on the loop and
 * writes the responses in request order.
 *
 * <p><b>Pipelining.</b> Requests are handled one at a time, in order: the next request's handler starts when the
 * previous response has been written, so responses need no reordering buffer. Requests parsed meanwhile wait in a
 * queue (their bodies aggregating) of at most {@link #MAX_PIPELINED} requests; at that depth the parser pauses,
 * the unparsed bytes are kept and reading stops ({@code autoRead} off), until the queue drains.
 *
 * <p>The exchanges live in a ring of {@link #MAX_PIPELINED} slots, created when first needed and reused for request
 * after request: a connection that does not pipeline holds one.
 *
 * <p><b>Writing and flushing</b>: responses are encoded into a {@link GatheringWriter} (a turn's responses in one
 * buffer) and flushed once per loop turn through a {@link TurnFlush}: at the end of the read batch for responses
 * written while reading (handlers that answer at once), else from one task after the turn. Every flush passing
 * through this handler first writes out what was gathered.
 *
 * <p><b>Closing.</b> After a response with {@code Connection: close} (asked by the client, HTTP/1.0 without
 * keep-alive, the last of {@code maxRequestsPerConnection}, content until the close, or the server stopping); after a
 * parse error's answer (its status, with {@code Connection: close}), sent once the requests before it are answered;
 * at once on the server's {@code STOPPING} event when no request is in flight, else after the last one. Once the
 * request that closes the connection has been read whole, nothing behind it is parsed: those bytes are dropped and
 * reading stops. The connection's {@link Ending} says how far it is:
 * <pre>
 *   OPEN       requests are read and handled
 *   LAST_READ  the closing request was read whole; later bytes are dropped          → FLUSHING
 *   FLUSHING   closing: the last bytes are flushed (input read and dropped when it   → LINGERING, or closed
 *              will linger)
 *   LINGERING  output shut down (FIN); input read and dropped until the peer closes  → closed
 *              or a lingering bound expires ({@link ConnectionTimeouts})
 *   CLOSED     released; also reached from any state when the channel closes
 * </pre>
 * <b>Lingering</b> (nginx's {@code lingering_close}): a client still sending when the server closes with its input
 * unread gets a reset from the kernel, which can destroy the response before the client reads it. So a connection
 * closed after a response shuts its output down once the response is written and drains its input first. Not after
 * the idle timeout or for an idle connection of a stopping server (nothing was answered), nor after a stopping
 * server's last response when nothing more was received and the close is the server's own (the stop should not wait
 * on the client).
 *
 * <p>Loop thread only.
 */
final class HttpServerHandler extends ChannelDuplexHandler implements RequestParser.Listener {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(HttpServerHandler.class);
    /** Requests queued or in flight on one connection before reading stops. */
    static final int MAX_PIPELINED = 16;
    private static final byte[] CONTINUE = HttpChars.ascii("HTTP/1.1 100 Continue\r\n\r\n");

    private final HttpRouter router;
    private final HttpObservers observers;
    private ConnectionObserver observer = ConnectionObserver.NONE;
    private final RequestParser parser;
    private final ConnectionTimeouts timeouts;
    /** The exchanges in request order: {@code queued} of them from {@code first} on. */
    private final HttpExchange[] ring = new HttpExchange[MAX_PIPELINED];
    private int first;
    private int queued;
    private ChannelHandlerContext ctx;
    private TurnFlush flusher;
    private GatheringWriter writer;
    private ResponseEncoder encoder;
    /** The exchange whose request the parser is reading (its head arrived, its end not yet). */
    private HttpExchange receiving;
    /** Received bytes the paused parser has not read yet. */
    private ByteBuf held;
    private boolean paused;
    /** A streamed body has too much waiting for demand: reading stops until it drains. */
    private boolean bodyHeld;
    private boolean parsing;
    private boolean stopping;

    /** How far the connection is from its close; moves forward only (see the class comment). */
    private enum Ending { OPEN, LAST_READ, FLUSHING, LINGERING, CLOSED }

    private Ending ending = Ending.OPEN;
    /** A parse error's status, answered once the requests before it are. */
    private int errorStatus;

    HttpServerHandler(HttpRouter router, HttpLimits limits, HttpObservers observers, HttpTimeouts timeouts) {
        this.router = router;
        this.observers = observers;
        this.parser = new RequestParser(limits, this);
        this.timeouts = new ConnectionTimeouts(timeouts, this, parser);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.flusher = new TurnFlush(ctx.channel());
        this.writer = new GatheringWriter(ctx);
        this.encoder = new ResponseEncoder(HttpDate.current(), "ix");
        this.observer = observers.open(ctx);
        timeouts.opened(ctx.channel());
    }

    EventExecutor loop() {
        return ctx.executor();
    }

    ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    ConnectionObserver observer() {
        return observer;
    }

    ResponseEncoder encoder() {
        return encoder;
    }

    boolean stopping() {
        return stopping;
    }

    /** @return whether no request is queued behind {@code e} (nor being received after it) */
    boolean isLastQueued(HttpExchange e) {
        return queued > 0 && ring[(first + queued - 1) % MAX_PIPELINED] == e;
    }

    boolean isWritable() {
        return ctx.channel().isWritable();
    }

    GatheringWriter writer() {
        return writer;
    }

    /** Something was written into the {@link #writer()}: flush it within this turn. */
    void written() {
        flusher.request();
    }

    void writeContinue() {
        writer.room(CONTINUE.length).writeBytes(CONTINUE);
        written();
        timeouts.continueSent();
    }

    /** A streamed request body's consumer fell behind ({@code true}) or caught up: stops or resumes reading. */
    void holdBody(boolean hold) {
        bodyHeld = hold;
        timeouts.bodyHeld(hold);
        if (closing()) {
            return; // a closing connection reads only to drop, or not at all: a body consumer has no say any more
        }
        if (hold) {
            ctx.channel().config().setAutoRead(false);
        } else if (!paused) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** Every flush, from a {@link TurnFlush} or from the pipeline, takes the gathered responses. */
    @Override
    public void flush(ChannelHandlerContext ctx) {
        writer.writeOut();
        ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        flusher.readStarted();
        if (ending != Ending.OPEN) {
            in.release(); // behind the closing request, or closing: never parsed
            if (ending == Ending.LINGERING) {
                timeouts.lingerRead();
            }
            return;
        }
        if (held != null) {
            // Only while paused (pipelining depth reached, reading off): the rare case, a plain copy is enough.
            ByteBuf merged = ctx.alloc().ioBuffer(held.readableBytes() + in.readableBytes());
            merged.writeBytes(held).writeBytes(in);
            held.release();
            in.release();
            held = null;
            in = merged;
        }
        parse(in);
    }

    /** Parses {@code in} unless paused, and keeps what the parser left; {@code in} is owned here. */
    private void parse(ByteBuf in) {
        if (!paused && ending == Ending.OPEN) {
            parsing = true;
            try {
                parser.parse(in);
            } finally {
                parsing = false;
            }
        }
        if (in.isReadable() && ending == Ending.OPEN) {
            held = in;
        } else {
            in.release();
        }
        timeouts.parsed();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flusher.readCompleted();
        ctx.fireChannelReadComplete();
    }

    private HttpExchange active() {
        return queued == 0 ? null : ring[first];
    }

    @Override
    public boolean onHead(RequestHead head) {
        int slot = (first + queued) % MAX_PIPELINED;
        HttpExchange e = ring[slot];
        if (e == null) {
            e = new HttpExchange(this, router.maxVariables());
            ring[slot] = e;
        }
        e.reset(head);
        receiving = e;
        queued++;
        if (timeouts.headReceived()) {
            e.closeAfter(); // the connection's last request
        }
        if (queued == 1) {
            timeouts.exchangeStarted();
            e.start(router);
        }
        return !closing();
    }

    @Override
    public void onContent(ByteBuf content) {
        if (receiving != null) {
            receiving.bytesReceived += content.readableBytes();
            receiving.request.content(content);
        } else {
            content.release();
        }
    }

    @Override
    public boolean onEnd() {
        HttpExchange ended = receiving;
        if (ended != null) {
            ended.request.end();
            receiving = null;
        }
        if (ended != null && ended.closesAfter() && ending == Ending.OPEN) {
            // No request follows the one that closes the connection: what is behind it is neither parsed nor kept.
            ending = Ending.LAST_READ;
        }
        if (queued >= MAX_PIPELINED || stopping || ending == Ending.LAST_READ) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
            return false;
        }
        return !closing();
    }

    @Override
    public void onError(int status, String reason) {
        logger.debug("{}: bad request, answering {}: {}", ctx.channel(), status, reason);
        errorStatus = status;
        observer.parseError(status);
        HttpExchange cut = receiving;
        receiving = null;
        if (cut != null) {
            // Its body is broken: it gets the error status instead of an answer from its handler, unless its
            // response was begun (or even ended) already: then no second answer can follow, the connection closes.
            if (queued > 0 && ring[(first + queued - 1) % MAX_PIPELINED] == cut) {
                queued--; // the last one queued; not queued any more when it already ended
            }
            cut.abort();
            if (cut.response.headWritten()) {
                closeAfterError();
                return;
            }
        }
        if (queued == 0) {
            answerError();
        }
    }

    private void answerError() {
        ByteBuf out = writer.room(192);
        encoder.writeHead(out, HttpStatus.of(errorStatus), null, 0, ResponseEncoder.CLOSE);
        encoder.writeEndOfHead(out);
        closeAfterError();
    }

    /** The exchange at the head of the queue ended: starts the next, resumes reading, or closes. */
    void exchangeDone(HttpExchange done) {
        if (active() != done) {
            return;
        }
        first = (first + 1) % MAX_PIPELINED;
        queued--;
        timeouts.exchangeEnded();
        if (done.closesAfter()) {
            closeNow();
            return;
        }
        HttpExchange next = active();
        if (next != null) {
            timeouts.exchangeStarted();
            next.start(router);
            return; // it ends in its own time (maybe already), and its exchangeDone carries on from here
        }
        if (errorStatus != 0) {
            answerError();
        } else if (stopping) {
            closeNow();
        } else if (paused && !parsing) {
            resume();
        }
    }

    private void resume() {
        paused = false;
        ByteBuf in = held != null ? held : Unpooled.EMPTY_BUFFER;
        held = null;
        parse(in); // an event may be pending even without bytes (the pause came at onEnd)
        if (!paused && !closing() && !bodyHeld) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** @return whether the connection closes: its last bytes are flushed, or it lingers, or it closed */
    private boolean closing() {
        return ending.compareTo(Ending.FLUSHING) >= 0;
    }

    /**
     * Flushes what was written and closes once the kernel has it, lingering first (see the class comment) unless
     * the server stops and nothing tells that the client sends more: no bytes held, and the close is the server's
     * (a client that asked for it, with {@code Connection: close}, may have pipelined more behind).
     */
    void closeNow() {
        close(!stopping || held != null || ending == Ending.LAST_READ);
    }

    /** Flushes what was written and closes once the kernel has it, without lingering: nothing was answered. */
    void closeQuietly() {
        close(false);
    }

    /**
     * Closes after an error answer, lingering: the client may well be sending the rest of the request it failed.
     * Not after a 408: that client was too slow to be worth waiting for, and lingering would give a slowloris
     * client up to {@code lingeringTime} more of the connection it was cut from.
     */
    private void closeAfterError() {
        close(errorStatus != 408);
    }

    private void close(boolean mayLinger) {
        if (closing()) {
            return;
        }
        boolean linger = mayLinger && timeouts.lingers() && ctx.channel() instanceof DuplexChannel;
        ending = Ending.FLUSHING;
        timeouts.closing();
        if (held != null) {
            held.release();
            held = null;
        }
        // Lingering reads (and drops) already while the last bytes are flushed: a client that sends before it reads
        // must not stall on a full window while the server waits for it to take the response.
        ctx.channel().config().setAutoRead(linger);
        writer.writeOut();
        ChannelFuture flushed = ctx.writeAndFlush(Unpooled.EMPTY_BUFFER);
        if (linger) {
            flushed.addListener((ChannelFutureListener) this::linger);
        } else {
            flushed.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The last bytes are with the kernel: FIN behind them, then drain the input until the peer or a bound ends it. */
    private void linger(ChannelFuture flushed) {
        Channel ch = flushed.channel();
        if (!flushed.isSuccess() || !ch.isActive() || ending != Ending.FLUSHING
                || ((DuplexChannel) ch).isInputShutdown()) {
            ch.close();
            return;
        }
        ending = Ending.LINGERING;
        timeouts.lingering();
        ((DuplexChannel) ch).shutdownOutput().addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        timeouts.writabilityChanged();
        HttpExchange active = active();
        if (active != null) {
            active.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == IxHttpServer.SERVER_STOPPING) {
            stopping = true;
            if (closing()) {
                return; // closing already; a lingering drain goes on, bounded by its own timeouts and the stop's
            }
            // No new requests; those in flight finish and the last closes the connection. A request whose body is
            // still arriving keeps the connection reading: onEnd pauses after it.
            if (receiving == null) {
                paused = true;
                ctx.channel().config().setAutoRead(false);
            }
            if (queued == 0) {
                closeQuietly();
            }
            return;
        }
        if (evt instanceof ChannelInputShutdownEvent && ending == Ending.LINGERING) {
            // The peer closed its side (ALLOW_HALF_CLOSURE on): the drain is over. Not left to the transport,
            // which need not close a channel shut down both ways.
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        observer.closed();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    /** @return whether no request is in flight (the idle timeout may run) */
    boolean idle() {
        return queued == 0 && !closing();
    }

    /**
     * The first queued request's handler ran past the request timeout: it is cancelled, and answered 503 with
     * {@code Connection: close} when nothing of its response was sent, else the connection is cut.
     */
    void requestTimedOut() {
        HttpExchange active = active();
        if (active == null || closing()) {
            return;
        }
        boolean headWritten = active.response.headWritten();
        active.abort();
        if (headWritten) {
            closeNow();
        } else {
            errorStatus = HttpStatus.SERVICE_UNAVAILABLE.code();
            answerError();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("{}: HTTP connection failed; closing it", ctx.channel(), cause);
        ctx.close();
    }

    /** Cancels the exchanges and drops what the connection holds; idempotent. */
    private void release() {
        ending = Ending.CLOSED;
        timeouts.closed();
        receiving = null;
        while (queued > 0) {
            HttpExchange e = ring[first];
            first = (first + 1) % MAX_PIPELINED;
            queued--;
            e.abort();
        }
        if (writer != null) {
            writer.release();
        }
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
