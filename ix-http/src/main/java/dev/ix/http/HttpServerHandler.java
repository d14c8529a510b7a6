package dev.ix.http;

import dev.ix.reactor.TurnFlush;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.ArrayDeque;

/**
 * One HTTP/1.1 connection: feeds the {@link RequestParser}, runs each request's {@link HttpExchange} on the loop and
 * writes the responses in request order.
 *
 * <p><b>Pipelining.</b> Requests are handled one at a time, in order: the next request's handler starts when the
 * previous response has been written, so responses need no reordering buffer. Requests parsed meanwhile wait in a
 * queue (their bodies aggregating) of at most {@link #MAX_PIPELINED} requests; at that depth the parser pauses,
 * the unparsed bytes are kept and reading stops ({@code autoRead} off), until the queue drains.
 *
 * <p><b>Flushing</b> once per loop turn through a {@link TurnFlush}: at the end of the read batch for responses
 * written while reading (handlers that answer at once), else from one task after the turn.
 *
 * <p><b>Closing.</b> After a response with {@code Connection: close} (asked by the client, HTTP/1.0 without
 * keep-alive, content until the close, or the server stopping); after a parse error's answer (its status, with
 * {@code Connection: close}), sent once the requests before it are answered; at once on the server's
 * {@code STOPPING} event when no request is in flight, else after the last one.
 *
 * <p>Loop thread only.
 */
final class HttpServerHandler extends ChannelInboundHandlerAdapter implements RequestParser.Listener {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(HttpServerHandler.class);
    /** Requests queued or in flight on one connection before reading stops. */
    static final int MAX_PIPELINED = 16;
    private static final byte[] CONTINUE = HttpChars.ascii("HTTP/1.1 100 Continue\r\n\r\n");

    private final HttpRouter router;
    private final RequestParser parser;
    private final ArrayDeque<HttpExchange> exchanges = new ArrayDeque<>(MAX_PIPELINED);
    private ChannelHandlerContext ctx;
    private TurnFlush flusher;
    private ResponseEncoder encoder;
    /** The exchange whose request the parser is reading (its head arrived, its end not yet). */
    private HttpExchange receiving;
    /** Received bytes the paused parser has not read yet. */
    private ByteBuf held;
    private boolean paused;
    private boolean parsing;
    private boolean stopping;
    private boolean closing;
    /** A parse error's status, answered once the requests before it are. */
    private int errorStatus;

    HttpServerHandler(HttpRouter router, HttpLimits limits) {
        this.router = router;
        this.parser = new RequestParser(limits, this);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.flusher = new TurnFlush(ctx.channel());
        this.encoder = new ResponseEncoder(HttpDate.current(), "ix");
    }

    EventExecutor loop() {
        return ctx.executor();
    }

    ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    ResponseEncoder encoder() {
        return encoder;
    }

    boolean stopping() {
        return stopping;
    }

    boolean isWritable() {
        return ctx.channel().isWritable();
    }

    void write(ByteBuf b) {
        if (closing) {
            b.release();
            return;
        }
        ctx.write(b, ctx.voidPromise());
        flusher.request();
    }

    void writeContinue() {
        write(Unpooled.wrappedBuffer(CONTINUE));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        flusher.readStarted();
        if (closing) {
            in.release();
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
        if (!paused && !closing) {
            parsing = true;
            try {
                parser.parse(in);
            } finally {
                parsing = false;
            }
        }
        if (in.isReadable() && !closing) {
            held = in;
        } else {
            in.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flusher.readCompleted();
        ctx.fireChannelReadComplete();
    }

    @Override
    public boolean onHead(RequestHead head) {
        HttpExchange e = new HttpExchange(this, new ServerRequest(head, ctx.alloc(), ctx.executor()));
        receiving = e;
        exchanges.add(e);
        if (exchanges.size() == 1) {
            e.start(router);
        }
        return !closing;
    }

    @Override
    public void onContent(ByteBuf content) {
        if (receiving != null) {
            receiving.request.content(content);
        } else {
            content.release();
        }
    }

    @Override
    public boolean onEnd() {
        if (receiving != null) {
            receiving.request.end();
            receiving = null;
        }
        if (exchanges.size() >= MAX_PIPELINED || stopping) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
            return false;
        }
        return !closing;
    }

    @Override
    public void onError(int status, String reason) {
        logger.debug("{}: bad request, answering {}: {}", ctx.channel(), status, reason);
        errorStatus = status;
        HttpExchange cut = receiving;
        receiving = null;
        if (cut != null) {
            // Its body is broken: it gets the error status instead of an answer from its handler.
            boolean active = exchanges.peekFirst() == cut;
            exchanges.removeLastOccurrence(cut);
            cut.abort();
            if (active && cut.response.headWritten()) {
                closeNow();
                return;
            }
        }
        if (exchanges.isEmpty()) {
            answerError();
        }
    }

    private void answerError() {
        ByteBuf out = ctx.alloc().ioBuffer(192);
        encoder.writeHead(out, HttpStatus.of(errorStatus), null, 0, ResponseEncoder.CLOSE);
        encoder.writeEndOfHead(out);
        ctx.write(out, ctx.voidPromise());
        closeNow();
    }

    /** The exchange at the head of the queue ended: starts the next, resumes reading, or closes. */
    void exchangeDone(HttpExchange done) {
        if (exchanges.peekFirst() != done) {
            return;
        }
        exchanges.pollFirst();
        if (done.closesAfter()) {
            closeNow();
            return;
        }
        HttpExchange next = exchanges.peekFirst();
        if (next != null) {
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
        if (!paused && !closing) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** Flushes what was written and closes once the kernel has it; reads nothing more. */
    void closeNow() {
        if (closing) {
            return;
        }
        closing = true;
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        HttpExchange active = exchanges.peekFirst();
        if (active != null) {
            active.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == IxHttpServer.SERVER_STOPPING) {
            stopping = true;
            // No new requests; those in flight finish and the last closes the connection. A request whose body is
            // still arriving keeps the connection reading: onEnd pauses after it.
            if (receiving == null) {
                paused = true;
                ctx.channel().config().setAutoRead(false);
            }
            if (exchanges.isEmpty()) {
                closeNow();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("{}: HTTP connection failed; closing it", ctx.channel(), cause);
        ctx.close();
    }

    /** Cancels the exchanges and drops what the connection holds; idempotent. */
    private void release() {
        closing = true;
        receiving = null;
        HttpExchange e;
        while ((e = exchanges.pollFirst()) != null) {
            e.abort();
        }
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
