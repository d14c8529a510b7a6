package dev.ix.samples;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Base of the sample handlers: writes go out once per read batch, and a peer that stops reading stops being
 * read from.
 *
 * <ul>
 *   <li>Subclasses only {@code write} in {@code channelRead}; {@link #channelReadComplete} flushes once after
 *       the transport has delivered everything that arrived in this turn, so many responses share one send.</li>
 *   <li>When the outbound buffer passes its high water mark after that flush, reading pauses
 *       ({@code autoRead=false}) and resumes when it drains below the low water mark, so the outbound queue of a
 *       slow peer stays bounded.</li>
 *   <li>Any exception closes the connection.</li>
 * </ul>
 */
abstract class BatchingHandler extends ChannelInboundHandlerAdapter {

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        if (!ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
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
        ctx.close();
    }
}
