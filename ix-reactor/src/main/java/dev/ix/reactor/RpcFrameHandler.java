package dev.ix.reactor;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * What both ends of an RPC connection do with received bytes: decode frames, check each frame's kind before its
 * payload is copied, hand the frame on, and turn a malformed frame into one call of {@link #malformed}. Loop thread
 * only.
 */
abstract class RpcFrameHandler extends ChannelDuplexHandler {
    private final int maxFrameLength;
    ChannelHandlerContext ctx;
    RpcFrameDecoder decoder;
    RpcFrameWriter out;
    TurnFlush flusher;

    RpcFrameHandler(int maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.decoder = new RpcFrameDecoder(maxFrameLength, ctx.alloc());
        this.out = new RpcFrameWriter(new GatheringWriter(ctx));
        this.flusher = new TurnFlush(ctx.channel());
    }

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in) || isClosed()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        decoder.add(in);
        received();
    }

    /** Every flush, from this handler or from the pipeline (a {@link TurnFlush}), takes the gathered frames. */
    @Override
    public final void flush(ChannelHandlerContext ctx) {
        out.writeOut();
        ctx.flush();
    }

    /** Writes out the gathered frames and flushes; for this handler's own flushes, which start below it. */
    final void flushNow() {
        out.writeOut();
        ctx.flush();
    }

    /** Bytes were added to {@link #decoder}: take frames from it with {@link #takeFrames()}. */
    abstract void received();

    /**
     * Hands buffered frames to {@link #frame} while {@link #wantsFrame()}, then {@linkplain RpcFrameDecoder#settle
     * settles} the decoder.
     *
     * @return false when a malformed frame was met ({@link #malformed} has been called)
     */
    final boolean takeFrames() {
        try {
            while (wantsFrame() && decoder.hasFrame()) {
                long id = decoder.id();
                byte kind = decoder.kind();
                if (!accepts(kind)) {
                    malformed(RpcFrame.kindName(kind) + " frame (id " + id + ") where " + expected() + " was expected");
                    return false;
                }
                frame(id, kind, decoder.readPayload());
            }
            decoder.settle();
            return true;
        } catch (RpcFrameDecoder.MalformedFrameException e) {
            malformed(e.getMessage());
            return false;
        }
    }

    /** @return whether the connection is closed: received bytes are released unread */
    abstract boolean isClosed();

    /** @return whether the next buffered frame should be taken now */
    abstract boolean wantsFrame();

    /** @return whether frames of {@code kind} may come this way */
    abstract boolean accepts(byte kind);

    /** @return the kinds {@link #accepts} takes, for the log line: "a request" */
    abstract String expected();

    /** A frame arrived; {@code payload} is the callee's. */
    abstract void frame(long id, byte kind, ByteBuf payload);

    /** A malformed frame arrived: log once, release, close. */
    abstract void malformed(String reason);
}
