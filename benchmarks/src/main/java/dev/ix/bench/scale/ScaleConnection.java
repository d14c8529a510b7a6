package dev.ix.bench.scale;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;

/**
 * One client connection: sends a byte once connected and is open when it comes back; an active one then decodes the
 * echoed {@link EchoLoad} messages and hands each to the running load. Lives on the client's event loop, as do all
 * its fields.
 *
 * <p>Buffers: each received buffer is released here; each sent one is released by the write.
 */
final class ScaleConnection extends ChannelInboundHandlerAdapter {

    /** The first byte, echoed once. */
    private static final int HELLO = '*';

    private final ScaleClient client;
    private final Channel channel;
    private final ScaleClient.Role role;
    private ScaleClient.Batch batch;
    private ScheduledFuture<?> timeout;
    private boolean open;
    private EchoLoad load;
    private byte[] partial;
    private int partialLength;

    ScaleConnection(ScaleClient client, ScaleClient.Batch batch, Channel channel) {
        this.client = client;
        this.batch = batch;
        this.channel = channel;
        this.role = batch.role();
    }

    /** @return what the connection is for */
    ScaleClient.Role role() {
        return role;
    }

    /** @return the connection's channel */
    Channel channel() {
        return channel;
    }

    /** Gives up on the connection if it is not open within {@code nanos}. */
    void armTimeout(EventLoop loop, long nanos) {
        timeout = loop.schedule(this::timedOut, nanos, TimeUnit.NANOSECONDS);
    }

    /** From now on every echoed message goes to {@code load}. */
    void startLoad(EchoLoad load) {
        this.load = load;
        if (partial == null) {
            partial = new byte[EchoLoad.MESSAGE_BYTES];
        }
        partialLength = 0;
    }

    /** Counts the connection as failed, unless it already has an outcome; closes it. */
    void fail(Throwable cause) {
        fail(ConnectError.classify(cause), cause);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(ctx.alloc().directBuffer(1).writeByte(HELLO)).addListener(written -> {
            if (!written.isSuccess()) {
                fail(written.cause());
            }
        });
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (!open && batch != null && in.isReadable()) {
                in.skipBytes(1);
                open = true;
                timeout.cancel(false);
                ScaleClient.Batch b = batch;
                batch = null;
                client.opened(this, b);
            }
            if (load != null) {
                decode(in);
            }
        } finally {
            in.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (open) {
            client.closedAfterOpen(this);
        } else {
            fail(ConnectError.RESET, new ClosedChannelException());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!open) {
            fail(cause);
        }
        ctx.close();
    }

    /** Echoed messages may arrive split or several at once: reassembles each and hands it to the load. */
    private void decode(ByteBuf in) {
        long now = System.nanoTime();
        while (in.isReadable()) {
            int n = Math.min(in.readableBytes(), partial.length - partialLength);
            in.readBytes(partial, partialLength, n);
            partialLength += n;
            if (partialLength == partial.length) {
                partialLength = 0;
                load.answered(EchoLoad.intendedNanos(partial), now);
            }
        }
    }

    private void timedOut() {
        fail(channel.isActive() ? ConnectError.NO_ECHO : ConnectError.CONNECT_TIMEOUT, null);
    }

    private void fail(ConnectError error, Throwable cause) {
        if (open || batch == null) {
            return;
        }
        ScaleClient.Batch b = batch;
        batch = null;
        if (timeout != null) {
            timeout.cancel(false);
        }
        channel.close();
        client.failed(b, error, cause);
    }
}
