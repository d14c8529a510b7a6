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
 * flush. The gathering buffer's size follows what the last turn gathered (rounded up to a power of two), so a turn
 * rarely needs two. Loop thread only.
 *
 * <p><b>One buffer, turn after turn.</b> The writer keeps a reference to the buffer it wrote out (the <em>spare</em>)
 * and gathers the next turn into it again once the transport has released its own reference, that is once every
 * byte of it was handed to the kernel (a {@code SEND_ZC} send: once the kernel is done with the memory). A busy
 * connection therefore allocates no buffer per turn: nothing reaches Netty's recycler, whose per-thread batch
 * overflows into an allocating queue when 64 connections each give a buffer back per turn, and nothing reaches the
 * leak detector's sampling of allocations. A spare the transport still holds (a slow reader, a send still in
 * flight) is never written to: the writer lets go of it and takes a new buffer. The cost: a connection that has
 * written keeps one pooled buffer of its last turn's size (at most {@value #MAX_CAPACITY} bytes) until it closes.
 *
 * <p><b>Ownership.</b> The gathering buffer returned by {@link #room(int)} is the writer's until
 * {@link #writeOut()}; from then on the pipeline owns one reference to it and the writer another (the spare's);
 * {@link #release()} drops the writer's references. Every buffer given to {@link #write(ByteBuf)} or
 * {@link #writeMessage(Object)} becomes the pipeline's (or is released here).
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
    /**
     * The gathering buffer's size follows the turns' up to this bound; a buffer grown past it (one big turn) is not
     * kept as the spare, so an idle connection never holds more.
     */
    private static final int MAX_CAPACITY = 64 * 1024;

    private final ChannelHandlerContext ctx;
    /** The buffer this turn gathers into, owned by the writer alone; null when nothing was asked for. */
    private ByteBuf batch;
    /**
     * The buffer last written out (or gathered into and found empty), one reference of it the writer's; reused when
     * that is the only reference left.
     */
    private ByteBuf spare;
    private int capacityHint = MIN_CAPACITY;
    /** Bytes written out since the last {@link #writeOut()}: this turn's so far. */
    private long turnBytes;
    /** Bytes emitted since the writer was made: with the batch's, where a {@link #mark()} is. */
    private long emitted;
    /** The last {@link #mark()} while it can still be rolled back to; -1 for none. */
    private long marked = -1;
    /** {@link #release()} was called. */
    private boolean released;

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
        // Full mid-turn: what follows a mark moves to the next buffer (a rollBack may still drop it), the rest leaves.
        int kept = b == null || marked < 0 ? 0 : (int) (emitted + b.writerIndex() - marked);
        int wanted = Math.max(bytes + kept, capacityHint);
        ByteBuf next = takeSpare(wanted);
        if (next == null) {
            next = newBuffer(wanted);
        }
        if (b != null) {
            int end = b.writerIndex() - kept;
            next.writeBytes(b, end, kept);
            b.writerIndex(end);
            emit(); // the turn's bytes, not this buffer's, size the next turn's buffer
        }
        batch = next;
        return next;
    }

    private ByteBuf newBuffer(int wanted) {
        // A power of two: turns that vary in size within it reuse the buffer instead of replacing it.
        return ctx.alloc().ioBuffer(wanted <= MAX_CAPACITY ? ceilPow2(wanted) : wanted);
    }

    /**
     * Marks where the next gathered byte goes, so that {@link #rollBack(long)} can drop what is gathered after it: a
     * command whose answer turns out to be an error after part of it was written. The mark holds until the next mark,
     * {@link #writeOut()}, {@link #write(ByteBuf)} or {@link #writeMessage(Object)}; {@link #room(int)} keeps the
     * bytes after it when it moves to a new buffer (they are copied, not written out).
     *
     * @return the mark
     */
    public long mark() {
        marked = emitted + (batch == null ? 0 : batch.writerIndex());
        return marked;
    }

    /**
     * Drops what was gathered since {@code mark}.
     *
     * @param mark the last {@link #mark()}'s, still held
     * @throws IllegalStateException when the mark no longer holds (the bytes after it were written out)
     */
    public void rollBack(long mark) {
        if (mark != marked || mark < emitted) {
            throw new IllegalStateException("mark " + mark + " no longer holds (marked " + marked + ", written out "
                    + emitted + ")");
        }
        if (batch != null) {
            batch.writerIndex((int) (mark - emitted));
        }
    }

    /** @return bytes gathered and not yet written out */
    public int gathered() {
        return batch == null ? 0 : batch.readableBytes();
    }

    private static int ceilPow2(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    /**
     * @return the spare, emptied, when nothing else holds it and it has {@code capacity} bytes; else null, the
     *         writer's reference to the spare dropped
     */
    private ByteBuf takeSpare(int capacity) {
        ByteBuf s = spare;
        if (s == null) {
            return null;
        }
        spare = null;
        // refCnt 1: the transport released it, every byte sent; its indices are whatever the send left, hence clear.
        if (s.refCnt() == 1 && s.capacity() >= capacity) {
            return s.clear();
        }
        // Still sending (maybe partly sent: never written to again; the transport releases it), or too small (growing
        // would copy bytes nobody needs).
        s.release();
        return null;
    }

    /**
     * Writes {@code content} after what was gathered: copied when small, else as its own buffer.
     *
     * @param content released here or by the write, whatever happens
     */
    public void write(ByteBuf content) {
        int n = content.readableBytes();
        if (n <= COPY_BELOW) {
            try {
                copy(content, room(n));
            } finally {
                content.release();
            }
            return;
        }
        marked = -1;
        emit();
        ctx.write(content, ctx.voidPromise());
    }

    /**
     * Appends {@code src}'s readable bytes to {@code dst} without moving {@code src}'s reader index, through the
     * buffers' cached NIO views: Netty's own copy into its adaptive pooled buffer ({@code writeBytes(ByteBuf, int,
     * int)}) takes a fresh {@code nioBuffer(..)} of a source of any other kind (a received mbuf, an unpooled or a
     * heap buffer) per call, an object escape analysis does not remove on the loop's deep call paths.
     *
     * @param src read here, neither moved nor released
     * @param dst written here, grown if needed
     */
    static void copy(ByteBuf src, ByteBuf dst) {
        int n = src.readableBytes();
        int from = src.readerIndex();
        dst.ensureWritable(n);
        int at = dst.writerIndex();
        if (src.hasArray()) {
            dst.setBytes(at, src.array(), src.arrayOffset() + from, n);
        } else if (src.nioBufferCount() == 1) {
            dst.setBytes(at, src.internalNioBuffer(from, n));
        } else {
            dst.setBytes(at, src, from, n); // a composite of several parts: rare, Netty's way
        }
        dst.writerIndex(at + n);
    }

    /**
     * Writes a message that is not a buffer (a {@code FileRegion}) after what was gathered.
     *
     * @param message released by the write, whatever happens
     */
    public void writeMessage(Object message) {
        marked = -1;
        emit();
        ctx.write(message, ctx.voidPromise());
    }

    /**
     * Writes the gathered bytes to the pipeline (without flushing); nothing when nothing was gathered. The end of a
     * turn's writing: what the turn gathered sizes the next turn's buffer.
     */
    public void writeOut() {
        marked = -1;
        emit();
        long bytes = turnBytes;
        if (bytes > 0) {
            turnBytes = 0;
            capacityHint = (int) Math.clamp(bytes + bytes / 4, MIN_CAPACITY, MAX_CAPACITY);
        }
    }

    /** Writes the gathered bytes to the pipeline, keeping the writer's reference to them as the spare. */
    private void emit() {
        ByteBuf b = batch;
        if (b == null) {
            return;
        }
        batch = null;
        ByteBuf s = spare;
        if (s != null) {
            // Not expected (room() takes the spare before a batch exists), but never hold two.
            spare = null;
            s.release();
        }
        int n = b.readableBytes();
        if (n == 0) {
            keepOrRelease(b); // the pipeline never saw it: the writer's alone
            return;
        }
        turnBytes += n;
        emitted += n;
        ctx.write(b.retain(), ctx.voidPromise()); // the retained reference is the spare's
        keepOrRelease(b);
    }

    /**
     * Keeps the writer's reference to {@code b} as the spare, unless {@code b} grew too big to hold between turns or
     * the connection closed (nothing would release it after a late write).
     */
    private void keepOrRelease(ByteBuf b) {
        if (!released && b.capacity() <= MAX_CAPACITY) {
            spare = b;
        } else {
            b.release();
        }
    }

    /**
     * Drops what was gathered and not written, and the spare: the connection closed. Idempotent. A write after it
     * still goes to the pipeline (which releases it), but no spare is kept any more.
     */
    public void release() {
        released = true;
        ByteBuf b = batch;
        if (b != null) {
            batch = null;
            b.release();
        }
        ByteBuf s = spare;
        if (s != null) {
            spare = null;
            s.release();
        }
    }
}
