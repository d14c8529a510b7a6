package dev.ix.transport.integrity;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * The client end of one checked stream, default channel options (the server's end of stream closes the channel).
 * Sends the {@link Flow.Header}; then, as the flow says, sends the stream ({@link StreamWriter}: echo and upload)
 * and digests what comes back (echo and push) until the channel closes.
 */
final class IntegrityClientHandler extends StreamEndpoint {
    IntegrityClientHandler(Ledger ledger, StreamRecord record) {
        super(ledger);
        this.record = record;
        this.sink = record.header().flow().clientChecks() ? new StreamSink() : null;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ledger.opened(ctx.channel(), where());
        Flow.Header header = record.header();
        ctx.write(header.encode(ctx.alloc()));
        if (header.flow().serverSends() && header.flow() != Flow.ECHO_HALF_CLOSE) {
            ctx.flush();
        } else {
            // Echo: the server's echo writes are the ones the check counts, not these.
            boolean echo = header.flow() == Flow.ECHO_HALF_CLOSE;
            writer = new StreamWriter(Flow.source(header), header.flow().ending(),
                    record, echo ? bytes -> { } : record::acked);
            writer.pump(ctx);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            if (sink != null) {
                sink.update(buf);
            } else {
                ledger.exception(where(), new IllegalStateException(
                        buf.readableBytes() + " B the server should not have sent"));
            }
        } finally {
            buf.release();
        }
    }

    @Override
    String where() {
        return "client end of stream " + record.header().id() + " " + record.header().flow();
    }
}
