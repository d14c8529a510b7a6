package dev.ix.transport.integrity;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Turns {@code autoRead} off at random (after about one read in {@value #ONE_IN}) and back on a random 0–2 ms
 * later, as a handler applying back-pressure would: the transport's paused-read path (single-shot reads, the
 * peer's FIN or reset seen while paused) carries part of every stream. Passes everything on unchanged.
 */
final class AutoReadToggler extends ChannelInboundHandlerAdapter {
    private static final int ONE_IN = 8;
    private static final long MAX_PAUSE_MICROS = 2_000;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (ctx.channel().config().isAutoRead() && random.nextInt(ONE_IN) == 0) {
            ctx.channel().config().setAutoRead(false);
            ctx.executor().schedule(() -> {
                ctx.channel().config().setAutoRead(true);
            }, random.nextLong(MAX_PAUSE_MICROS + 1), TimeUnit.MICROSECONDS);
        }
        ctx.fireChannelRead(msg);
    }
}
