package dev.ix.transport.integrity;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * What both ends of a checked connection do alike: go on writing when the channel becomes writable again, hand the
 * finished {@link StreamSink} to the stream's record when the channel closes (its end of stream), and put every
 * exception in the ledger and close.
 */
abstract class StreamEndpoint extends ChannelInboundHandlerAdapter {
    final Ledger ledger;
    /** The stream, once known (the server learns it from the header). */
    StreamRecord record;
    /** Set when this end sends the stream. */
    StreamWriter writer;
    /** Set when this end checks the stream. */
    StreamSink sink;

    StreamEndpoint(Ledger ledger) {
        this.ledger = ledger;
    }

    /** @return which end of which stream, for messages */
    abstract String where();

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (writer != null && ctx.channel().isWritable()) {
            writer.pump(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (sink != null) {
            sink.finish();
            record.received(sink);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ledger.exception(where(), cause);
        ctx.close();
    }
}
