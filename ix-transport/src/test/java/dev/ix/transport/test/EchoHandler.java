package dev.ix.transport.test;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Netty's echo sample, the way most servers write: each received buffer is written back (ownership passes to the
 * outbound buffer) and flushed once per read batch, at {@code channelReadComplete}. Sharable: it keeps no state.
 */
@ChannelHandler.Sharable
public class EchoHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }
}
