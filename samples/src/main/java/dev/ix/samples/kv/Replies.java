package dev.ix.samples.kv;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * Gathers a connection's answers of one loop turn into one direct buffer, written to the pipeline before the turn's
 * flush (as ix-reactor's {@code RpcFrameWriter} does for RPC frames): many pipelined answers leave as one outbound
 * entry and one iovec. A buffer past {@value #WRITE_OUT_AT} bytes is written out at once, so it stays bounded; its
 * next size follows the last one's. Loop thread only.
 */
final class Replies {
    private static final int MIN_CAPACITY = 1024;
    static final int WRITE_OUT_AT = 64 * 1024;

    private final ChannelHandlerContext ctx;
    private ByteBuf out;
    private int capacityHint = MIN_CAPACITY;
    /** The current command said {@code noreply}: its answer (even an error) is not sent, as memcached does. */
    boolean noreply;

    Replies(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** @return the buffer to append an answer to */
    ByteBuf out() {
        ByteBuf b = out;
        if (b == null) {
            b = ctx.alloc().directBuffer(capacityHint);
            out = b;
        }
        return b;
    }

    /** Appends a fixed answer (with its CRLF), unless the command said {@code noreply}. */
    void line(byte[] answer) {
        if (!noreply) {
            out().writeBytes(answer);
        }
    }

    /** Where the next answer starts, to {@link #rollBack} to. */
    int mark() {
        return out().writerIndex();
    }

    /** Drops what was appended since {@code mark}. */
    void rollBack(int mark) {
        out.writerIndex(mark);
    }

    /** Writes the gathered answers out if they passed the bound (called between commands). */
    void writeOutIfLarge() {
        if (out != null && out.readableBytes() >= WRITE_OUT_AT) {
            writeOut();
        }
    }

    /** Writes the gathered answers to the pipeline, without flushing. */
    void writeOut() {
        ByteBuf b = out;
        if (b == null) {
            return;
        }
        out = null;
        if (!b.isReadable()) {
            b.release();
            return;
        }
        capacityHint = (int) Math.clamp(b.readableBytes() + b.readableBytes() / 4L, MIN_CAPACITY, WRITE_OUT_AT);
        ctx.write(b, ctx.voidPromise());
    }

    /** Drops what was gathered and not written: the connection closed. */
    void release() {
        ByteBuf b = out;
        if (b != null) {
            out = null;
            b.release();
        }
    }
}
