package dev.ix.bench.jmh;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The end of the decoding pipeline: counts what the decoder produced, keeps the last request (so it escapes, as it
 * would into a real handler) and releases every message.
 */
final class RequestSink extends ChannelInboundHandlerAdapter {
    private long requests;
    private long lastContents;
    private long failures;
    private HttpRequest lastRequest;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
                failures++;
            }
            if (msg instanceof HttpRequest r) {
                requests++;
                lastRequest = r;
            }
            if (msg instanceof LastHttpContent) {
                lastContents++;
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** @return {@link HttpRequest}s seen */
    long requests() {
        return requests;
    }

    /** @return {@link LastHttpContent}s seen: one per complete request */
    long lastContents() {
        return lastContents;
    }

    /** @return messages whose decoder result was a failure */
    long failures() {
        return failures;
    }

    /** @return the last request decoded, or {@code null} */
    HttpRequest lastRequest() {
        return lastRequest;
    }
}
