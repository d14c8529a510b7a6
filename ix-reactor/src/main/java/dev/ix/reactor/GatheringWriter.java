package dev.ix.reactor;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * Gathers the small writes a connection makes in one loop turn into one buffer: sixteen pipelined answers then
 * leave as one outbound entry, one iovec and one buffer instead of sixteen of each. A loop that answers thousands of
 * requests per turn would otherwise spend its time creating and recycling Netty's per-write objects (the recycler's
 * thread-local batch overflows, and every overflowing release asks the JVM for the owner thread's state). IX's
 * batching, carried from the ring to the protocol's messages.
 *
 * <p>A protocol encodes into {@link #room(int)}; content too big to be worth copying goes through
 * {@link #write(ByteBuf)}, which first writes out what was gathered, so the order on the wire is the order of the
 * calls. {@link #writeOut()} hands the gathered bytes to the pipeline (without flushing): call it before every
 * flush. The gathering buffer's size follows the last turn's, so it is rarely grown. Loop thread only.
 *
 * <p>Public for the protocol modules built on ix-reactor (ix-http, RPC); not an application API.
 */
public final class GatheringWriter {
    /**
     * Content up to this many bytes is better copied into the gathering buffer than written as its own buffer (a
     * second outbound entry and iovec cost more than copying it).
     */
    public static final int COPY_BELOW = 512;
    private static final int MIN_CAPACITY = 1024;
    /** A gathering buffer is written out once it would need more than this, flush or not: bounded buffers. */
    private static final int MAX_CAPACITY = 64 * 1024;

    private final ChannelHandlerContext ctx;
    private ByteBuf batch;
    private int capacityHint = MIN_CAPACITY;

    /** @param ctx the context the gathered buffers are written from */
    public GatheringWriter(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * @param bytes how many bytes the caller is about to write (a buffer written past it grows, which is allowed
     *              but costs a copy)
     * @return the gathering buffer, with at least {@code bytes} writable without growing; owned by this writer: write
     *         into it, do not keep it or release it
     */
    public ByteBuf room(int bytes) {
        ByteBuf b = batch;
        if (b != null && b.writableBytes() >= bytes) {
            return b;
        }
        if (b != null) {
            writeOut();
        }
        b = ctx.alloc().ioBuffer(Math.max(bytes, capacityHint));
        batch = b;
        return b;
    }

    /**
     * Writes {@code content} after what was gathered: copied when small, else as its own buffer.
     *
     * @param content released here or by the write, whatever happens
     */
    public void write(ByteBuf content) {
        int n = content.readableBytes();
        if (n <= COPY_BELOW) {
            room(n).writeBytes(content, content.readerIndex(), n);
            content.release();
            return;
        }
        writeOut();
        ctx.write(content, ctx.voidPromise());
    }

    /**
     * Writes a message that is not a buffer (a {@code FileRegion}) after what was gathered.
     *
     * @param message released by the write, whatever happens
     */
    public void writeMessage(Object message) {
        writeOut();
        ctx.write(message, ctx.voidPromise());
    }

    /** Writes the gathered bytes to the pipeline (without flushing); nothing when nothing was gathered. */
    public void writeOut() {
        ByteBuf b = batch;
        if (b == null) {
            return;
        }
        batch = null;
        if (!b.isReadable()) {
            b.release();
            return;
        }
        capacityHint = Math.clamp(b.readableBytes() + b.readableBytes() / 4L, MIN_CAPACITY, MAX_CAPACITY);
        ctx.write(b, ctx.voidPromise());
    }

    /** Drops what was gathered and not written: the connection closed. Idempotent. */
    public void release() {
        ByteBuf b = batch;
        if (b != null) {
            batch = null;
            b.release();
        }
    }
}
