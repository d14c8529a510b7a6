package dev.ix.transport.integrity;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;

/**
 * The server end of a checked connection, one instance per connection, default channel options (so the client's
 * FIN closes the channel). Reads the {@link Flow.Header}, then:
 *
 * <ul>
 *   <li>echo: writes every buffer back in {@code channelRead}, flushes in {@code channelReadComplete} — the
 *       echo server of issue 9 — and counts the echo writes that succeeded;</li>
 *   <li>push: sends the stream with a {@link StreamWriter} and ends it as the flow says;</li>
 *   <li>upload: digests what arrives until the client's end of stream.</li>
 * </ul>
 *
 * A connection that never sends a header (an idle one) just waits for its close.
 */
final class IntegrityServerHandler extends StreamEndpoint {
    private final byte[] headerBytes = new byte[Flow.Header.SIZE];
    private int headerFill;

    IntegrityServerHandler(Ledger ledger) {
        super(ledger);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ledger.opened(ctx.channel(), "server end of a connection");
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        if (record == null && !readHeader(ctx, buf)) {
            return;
        }
        Flow flow = record.header().flow();
        if (!buf.isReadable()) {
            buf.release();
        } else if (flow == Flow.ECHO_HALF_CLOSE) {
            int bytes = buf.readableBytes();
            ctx.write(buf).addListener(f -> {
                if (f.isSuccess()) {
                    record.acked(bytes);
                }
            });
        } else if (sink != null) {
            sink.update(buf);
            buf.release();
        } else {
            int bytes = buf.readableBytes();
            buf.release();
            ledger.exception(where(), new IllegalStateException(bytes + " B the client should not have sent"));
        }
    }

    /** @return true once the header is complete: {@code buf} then holds what follows it */
    private boolean readHeader(ChannelHandlerContext ctx, ByteBuf buf) {
        int n = Math.min(buf.readableBytes(), headerBytes.length - headerFill);
        buf.readBytes(headerBytes, headerFill, n);
        headerFill += n;
        if (headerFill < headerBytes.length) {
            buf.release();
            return false;
        }
        Flow.Header header = Flow.Header.decode(Unpooled.wrappedBuffer(headerBytes));
        record = ledger.stream(header.id());
        ledger.opened(ctx.channel(), where());
        if (!record.header().equals(header)) {
            buf.release();
            throw new IllegalStateException("header " + header + " (expected: " + record.header() + ")");
        }
        if (!header.flow().serverSends()) {
            sink = new StreamSink();
        } else if (header.flow() != Flow.ECHO_HALF_CLOSE) {
            writer = new StreamWriter(Flow.source(header), header.flow().ending(),
                    record, record::acked);
            writer.pump(ctx);
        }
        return true;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    String where() {
        return "server end of " + (record == null ? "a connection before its header" : "stream "
                + record.header().id() + " " + record.header().flow());
    }
}
