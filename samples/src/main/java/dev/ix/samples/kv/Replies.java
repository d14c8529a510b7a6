package dev.ix.samples.kv;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * Gathers a connection's answers of one loop turn into a direct buffer, written to the pipeline before the turn's
 * flush (as ix-reactor's {@code RpcFrameWriter} does for RPC frames): many pipelined answers leave as one outbound
 * entry and one iovec. Answers past {@value #WRITE_OUT_AT} bytes are written out at once, so what waits stays bounded.
 *
 * <p>The buffer outlives the turn: each turn's answers leave as a retained slice of it (a recycled object), and the
 * next turn appends after them, so a turn costs no new buffer, and none of the {@code ByteBuffer} views Netty makes
 * for a new pooled direct buffer's first bulk write when it does not use {@code sun.misc.Unsafe} (JDK 25's default).
 * Once it has less than {@value #ROOM} bytes (plus what the caller announces) free, it starts again from its
 * beginning if no slice of it is still being sent, else a new buffer replaces it (the slices keep the old one's memory
 * alive until they are sent). Its maximum capacity is its capacity: it must
 * never grow (and so move its memory) under a slice that the kernel may still be sending from, and a writer that
 * would pass it fails instead. Loop thread only.
 */
final class Replies {
    /** Room every {@link #out()} leaves at least: an answer's lines, without the value, fit in it. */
    static final int ROOM = 2048;
    static final int WRITE_OUT_AT = 64 * 1024;
    private static final int CAPACITY = 32 * 1024;

    private final ChannelHandlerContext ctx;
    /** This connection's reference; slices written out hold their own. */
    private ByteBuf buffer;
    /** Where the answers not yet written out start in {@link #buffer}. */
    private int start;
    /** The current command said {@code noreply}: its answer (even an error) is not sent, as memcached does. */
    boolean noreply;

    Replies(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** @return the buffer to append an answer of at most {@value #ROOM} bytes to */
    ByteBuf out() {
        return out(0);
    }

    /** @return the buffer to append an answer to, with {@code bytes} (a value) beside its {@value #ROOM} bytes */
    ByteBuf out(int bytes) {
        ByteBuf b = buffer;
        long need = (long) ROOM + bytes;
        if (b == null || b.writableBytes() < need) {
            b = renew(need);
        }
        return b;
    }

    /** Appends a fixed answer (with its CRLF), unless the command said {@code noreply}. */
    void line(byte[] answer) {
        if (!noreply) {
            out().writeBytes(answer);
        }
    }

    /** Where the next answer starts, to {@link #rollBack} to (relative: a renewed buffer keeps the marks). */
    int mark() {
        return out().writerIndex() - start;
    }

    /** Drops what was appended since {@code mark}, within the same command. */
    void rollBack(int mark) {
        buffer.writerIndex(start + mark);
    }

    /** Writes the gathered answers out if they passed the bound (called between commands). */
    void writeOutIfLarge() {
        if (buffer != null && buffer.writerIndex() - start >= WRITE_OUT_AT) {
            writeOut();
        }
    }

    /** Writes the gathered answers to the pipeline, without flushing. */
    void writeOut() {
        ByteBuf b = buffer;
        if (b == null) {
            return;
        }
        int end = b.writerIndex();
        if (end > start) {
            ctx.write(b.retainedSlice(start, end - start), ctx.voidPromise());
            start = end;
        }
    }

    /** Drops what was gathered and not written: the connection closed. */
    void release() {
        ByteBuf b = buffer;
        if (b != null) {
            buffer = null;
            start = 0;
            b.release();
        }
    }

    /**
     * Makes {@code need} bytes free: in the same buffer when no slice of it is still being sent (its reference count is
     * this connection's one alone), by moving the answers not yet written out to its start; else in a new buffer they
     * move to (they may be part of the current command's, which a {@link #rollBack} may still drop). Reusing the
     * buffer is what keeps a busy connection from taking a new one (a new object, and a new {@code ByteBuffer} view
     * for its first bulk write) every few dozen answers.
     */
    private ByteBuf renew(long need) {
        ByteBuf old = buffer;
        int pending = old == null ? 0 : old.writerIndex() - start;
        if (old != null && old.refCnt() == 1 && old.capacity() >= pending + need) {
            // Forward, to a lower index: each long is read before the write that could overlap it.
            Ascii.copy(old, start, old, 0, pending);
            old.setIndex(0, pending);
            start = 0;
            return old;
        }
        // Doubling with what waits, so that a command answering with many values copies each byte a bounded number
        // of times; and ROOM beyond the need, so that the lines after a large value (END) fit without another copy.
        long capacity = Math.max(CAPACITY, Math.max(pending + need + ROOM, 2L * pending));
        if (capacity > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("answers too large: pending=" + pending + ", need=" + need);
        }
        ByteBuf b = ctx.alloc().directBuffer((int) capacity, (int) capacity);
        if (old != null) {
            Ascii.copyBytes(old, start, pending, b);
            old.release();
        }
        buffer = b;
        start = 0;
        return b;
    }
}
