package dev.ix.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The only handler in a generator channel's pipeline: hands its events to the {@link Connection} it belongs to.
 * One instance per channel (a connection gets a new channel, and a new handler, on each reconnect).
 *
 * <p>Received buffers are released here once parsed.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {

    private final Connection connection;

    ConnectionHandler(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof ByteBuf in) {
                connection.read(ctx.channel(), in);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // On ix this comes once per loop turn for every channel that read in it: the writes it triggers leave
        // together in the turn's single submission.
        connection.readComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.inactive(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connection.failed(ctx.channel());
    }
}
