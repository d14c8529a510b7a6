package dev.ix.reactor;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

import java.nio.charset.StandardCharsets;

/**
 * Writes a connection's outgoing frames, gathering the small ones of a loop turn into one buffer: sixteen pipelined
 * answers then leave as one outbound entry, one iovec and one allocation instead of sixteen of each. A loop that
 * answers thousands of calls per turn would otherwise spend its time creating and recycling Netty's per-write
 * objects (its recycler's thread-local batch overflows, and every overflowing release asks the JVM for the owner
 * thread's state). IX's batching, carried from the ring to the frames.
 *
 * <p>The gathered frames are written to the pipeline by {@link #writeOut()}, which the handler calls before every
 * flush, and before a frame too big to copy (its payload is written as it is, after its header): order is kept.
 * The buffer's size follows the last turn's, so that it is rarely grown. Loop thread only.
 */
final class RpcFrameWriter {
    /**
     * Payloads up to this size are copied behind their header into the gathering buffer; bigger ones are written as
     * they are (a second outbound entry and iovec cost less than copying them).
     */
    static final int COPY_BELOW = 512;
    private static final int MIN_CAPACITY = 1024;
    /** A gathering buffer is written out once it holds this much, flush or not: bounded buffers. */
    private static final int MAX_CAPACITY = 64 * 1024;

    private final ChannelHandlerContext ctx;
    private ByteBuf batch;
    private int capacityHint = MIN_CAPACITY;

    RpcFrameWriter(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * @param payload released here or by the write, whatever happens
     */
    void frame(long id, byte kind, ByteBuf payload) {
        int n = payload.readableBytes();
        if (n <= COPY_BELOW) {
            ByteBuf b = room(RpcFrame.HEADER_BYTES + n);
            b.writeInt(RpcFrame.ID_AND_KIND_BYTES + n).writeLong(id).writeByte(kind);
            b.writeBytes(payload, payload.readerIndex(), n);
            payload.release();
            return;
        }
        ByteBuf b = room(RpcFrame.HEADER_BYTES);
        b.writeInt(RpcFrame.ID_AND_KIND_BYTES + n).writeLong(id).writeByte(kind);
        writeOut();
        ctx.write(payload, ctx.voidPromise());
    }

    /** An error frame carrying {@code message}, cut to {@value RpcFrame#MAX_ERROR_BYTES} UTF-8 bytes. */
    void error(long id, String message) {
        byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(utf8.length, RpcFrame.MAX_ERROR_BYTES);
        ByteBuf b = room(RpcFrame.HEADER_BYTES + n);
        b.writeInt(RpcFrame.ID_AND_KIND_BYTES + n).writeLong(id).writeByte(RpcFrame.ERROR).writeBytes(utf8, 0, n);
    }

    /** Writes the gathered frames to the pipeline (without flushing). */
    void writeOut() {
        ByteBuf b = batch;
        if (b == null) {
            return;
        }
        batch = null;
        capacityHint = Math.clamp(b.readableBytes() + b.readableBytes() / 4L, MIN_CAPACITY, MAX_CAPACITY);
        ctx.write(b, ctx.voidPromise());
    }

    /** Drops what was gathered and not written: the connection closed. */
    void release() {
        ByteBuf b = batch;
        if (b != null) {
            batch = null;
            b.release();
        }
    }

    /** @return the gathering buffer, with at least {@code bytes} writable without growing */
    private ByteBuf room(int bytes) {
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
}
