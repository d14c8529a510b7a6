package dev.ix.samples.kv;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One client connection: frames commands out of the received bytes and runs them to completion in the loop turn
 * that received them, answers gathered by {@link Replies} and flushed once per turn ({@link #channelReadComplete}).
 *
 * <p>Commands are parsed in place from the received buffer (an mbuf on ix); only the bytes of a command split across
 * reads are copied, into a cumulation buffer that waits for the rest (a data block announced by its line is awaited
 * whole before the line is parsed again). A refused data block (too large) is dropped as it arrives, never
 * buffered. A line that has no end within {@value #MAX_LINE} bytes closes the connection, unless it is a
 * {@code get}/{@code gets}, which may name keys up to {@value #MAX_GET_LINE} bytes. memcached's rule is the same
 * with 2048 bytes, counted in its 16 KiB read buffer: a longer line that arrives in one read passes there; kv's
 * receive buffers are 2 KiB, so it counts to the size of memcached's buffer instead. Every
 * received buffer is released before {@code channelRead} returns; the cumulation and unsent answers are released
 * when the connection ends. When the peer stops reading and the outbound buffer passes its high water mark,
 * reading pauses until it drains. Loop thread only.
 */
final class KvConnection extends ChannelInboundHandlerAdapter {
    static final int MAX_LINE = 16 * 1024;
    static final int MAX_GET_LINE = 1 << 20;
    private static final int MAX_SPARE = 2 * MAX_LINE;
    private static final byte[] GET = Ascii.bytes("get ");
    private static final byte[] GETS = Ascii.bytes("gets ");

    private final KvStore store;
    private final KvStats stats;
    private Replies replies;
    private TextProtocol protocol;
    private ByteBuf cumulation;
    /**
     * A drained cumulation kept for the next split command (memcached keeps its 16 KiB read buffer too): a new one
     * per split is a new buffer object each time, as Netty's recycler mostly does not reuse them.
     */
    private ByteBuf spare;
    /** Bytes the command at the cumulation's start needs before it is parsed again. */
    private int waitFor;
    /** Bytes of a refused data block still to drop. */
    private long swallow;
    private boolean closing;

    KvConnection(KvStore store, KvStats stats) {
        this.store = store;
        this.stats = stats;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        replies = new Replies(ctx);
        protocol = new TextProtocol(store, stats, stats.countersOfThisLoop(), replies);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        stats.currentConnections.incrementAndGet();
        stats.totalConnections.incrementAndGet();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stats.currentConnections.decrementAndGet();
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (closing) {
                return;
            }
            ByteBuf c = cumulation;
            if (c == null) {
                consume(ctx, in);
                if (in.isReadable() && !closing) {
                    c = cumulation(ctx, Math.max(MAX_LINE, Math.max(waitFor, in.readableBytes() * 2)));
                    Ascii.copyBytes(in, in.readerIndex(), in.readableBytes(), c);
                    cumulation = c;
                }
            } else {
                Ascii.copyBytes(in, in.readerIndex(), in.readableBytes(), c);
                consume(ctx, c);
                if (cumulation != null) {
                    if (!c.isReadable()) {
                        cumulation = null;
                        keepSpare(c);
                    } else {
                        c.discardSomeReadBytes();
                        if (waitFor > c.readableBytes()) {
                            c.ensureWritable(waitFor - c.readableBytes());
                        }
                    }
                }
            }
        } finally {
            in.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        replies.writeOut();
        ctx.flush();
        if (!ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        close(ctx);
    }

    /** Runs every complete command of {@code b}, leaving an incomplete one's bytes unread. */
    private void consume(ChannelHandlerContext ctx, ByteBuf b) {
        while (b.isReadable()) {
            if (swallow > 0) {
                int n = (int) Math.min(swallow, b.readableBytes());
                b.skipBytes(n);
                swallow -= n;
                continue;
            }
            int start = b.readerIndex();
            int end = b.writerIndex();
            if (end - start < waitFor) {
                return;
            }
            waitFor = 0;
            int lf = b.indexOf(start, end, (byte) '\n');
            if (lf < 0) {
                if (endlessLine(b, start, end)) {
                    b.skipBytes(end - start);
                    close(ctx);
                }
                return;
            }
            // As memcached: a '\r' before the '\n' is dropped, unless it is the line's only byte.
            int lineEnd = lf - start > 1 && b.getByte(lf - 1) == '\r' ? lf - 1 : lf;
            int r = protocol.execute(b, start, lineEnd, lf + 1);
            if (r == TextProtocol.NEED_MORE) {
                waitFor = protocol.needed;
                return;
            }
            if (r == TextProtocol.CLOSE) {
                b.skipBytes(end - start);
                close(ctx);
                return;
            }
            b.readerIndex(r);
            swallow = protocol.swallow;
            protocol.swallow = 0;
            replies.writeOutIfLarge();
        }
    }

    /** @return whether {@code [start, end)}, with no line end yet, is already longer than a line may be */
    private static boolean endlessLine(ByteBuf b, int start, int end) {
        int length = end - start;
        if (length <= MAX_LINE) {
            return false;
        }
        int i = start;
        while (i < end && b.getByte(i) == ' ') {
            i++;
        }
        if (i - start > 100 || !(startsWith(b, i, end, GET) || startsWith(b, i, end, GETS))) {
            return true;
        }
        return length > MAX_GET_LINE;
    }

    private static boolean startsWith(ByteBuf b, int i, int end, byte[] word) {
        if (end - i < word.length) {
            return false;
        }
        for (int k = 0; k < word.length; k++) {
            if (b.getByte(i + k) != word[k]) {
                return false;
            }
        }
        return true;
    }

    /** Sends what was answered so far, then closes. */
    private void close(ChannelHandlerContext ctx) {
        if (closing) {
            return;
        }
        closing = true;
        replies.writeOut();
        ctx.flush();
        ctx.close();
    }

    /** @return an empty cumulation of at least {@code capacity} bytes, the spare if there is one */
    private ByteBuf cumulation(ChannelHandlerContext ctx, int capacity) {
        ByteBuf c = spare;
        if (c == null) {
            return ctx.alloc().directBuffer(capacity);
        }
        spare = null;
        c.ensureWritable(capacity);
        return c;
    }

    /** Keeps a drained cumulation as the spare, unless it grew past what a line needs (a large data block's). */
    private void keepSpare(ByteBuf c) {
        if (c.capacity() <= MAX_SPARE && !closing) {
            c.clear();
            spare = c;
        } else {
            c.release();
        }
    }

    private void release() {
        ByteBuf c = cumulation;
        if (c != null) {
            cumulation = null;
            c.release();
        }
        c = spare;
        if (c != null) {
            spare = null;
            c.release();
        }
        if (replies != null) {
            replies.release();
        }
    }
}
