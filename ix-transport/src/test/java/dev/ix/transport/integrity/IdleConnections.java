package dev.ix.transport.integrity;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Connections that are opened before the checked streams and send nothing until the end of the run: each holds a
 * registration (and an armed receive) on a server loop and a client loop while the streams run beside it. Their
 * server end is the checked server's handler, waiting for a header that never comes.
 */
final class IdleConnections {
    /** Connects in batches of this many, so the listen backlog never overflows into SYN retries. */
    private static final int BATCH = 100;

    private IdleConnections() {
    }

    /**
     * @param client a bootstrap with group, channel and remote address set
     * @return the client ends, connected (the server ends are remembered by the ledger as they become active)
     */
    static List<Channel> open(Bootstrap client, Ledger ledger, int count) throws InterruptedException {
        client.handler(new Quiet(ledger));
        List<Channel> channels = new ArrayList<>(count);
        for (int from = 0; from < count; from += BATCH) {
            List<ChannelFuture> batch = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + BATCH); i++) {
                batch.add(client.connect());
            }
            for (ChannelFuture f : batch) {
                if (!f.await(IntegrityRun.GUARD_SECONDS, TimeUnit.SECONDS) || !f.isSuccess()) {
                    throw new IllegalStateException("idle connection " + channels.size() + " of " + count
                            + " failed: " + f.cause(), f.cause());
                }
                channels.add(f.channel());
            }
        }
        return channels;
    }

    /** The client end: remembered for the end-of-run check; anything it receives or raises is a failure. */
    @ChannelHandler.Sharable
    private static final class Quiet extends ChannelInboundHandlerAdapter {
        private final Ledger ledger;

        Quiet(Ledger ledger) {
            this.ledger = ledger;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ledger.opened(ctx.channel(), "client end of an idle connection");
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            ledger.exception("an idle connection", new IllegalStateException("it received data"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ledger.exception("an idle connection", cause);
            ctx.close();
        }
    }
}
