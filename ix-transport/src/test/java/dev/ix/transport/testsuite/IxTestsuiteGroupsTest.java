package dev.ix.transport.testsuite;

import dev.ix.transport.test.DeliberateLeaks;
import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that a test class of the suite fails when it ends with a receive mbuf held: runs {@link HoldsAnMbuf}
 * (disabled in normal runs) in a nested engine and checks that {@link IxTestsuiteGroups} shut its ix group down and
 * failed the class, instead of the loop's WARN going unseen.
 */
@RequiresIoUring
class IxTestsuiteGroupsTest {

    @Test
    void failsTheClassWhoseLoopStopsWithAnMbufHeld() {
        try {
            Throwable failure = DeliberateLeaks.classFailureOf(HoldsAnMbuf.class);
            assertThat(failure)
                    .isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("the ix loops of ")
                    .hasMessageContaining(HoldsAnMbuf.class.getSimpleName() + " did not end clean:\n  ix-loop-")
                    .hasMessageContaining(": 1 of ")
                    .hasMessageContaining(" receive mbuf(s) still held after the loop stopped");
        } finally {
            ReferenceCountUtil.release(HoldsAnMbuf.held.getNow(null));
        }
    }

    @Test
    void aClassThatUsedNoGroupHasNothingToShutDown() throws InterruptedException {
        assertThat(IxTestsuiteGroups.shutDown()).isEmpty();
    }

    /** Keeps one mbuf past its class. Not a test of its own: {@link IxTestsuiteGroupsTest} runs it. */
    @Disabled("holds an mbuf on purpose; run only by IxTestsuiteGroupsTest")
    static class HoldsAnMbuf {
        /** Reachable, so the leak detector has nothing to report: only the pool check can see it. */
        static final CompletableFuture<ByteBuf> held = new CompletableFuture<>();

        @Test
        void holdsAnMbuf() throws Exception {
            ServerBootstrap sb = IxSocketTestPermutation.INSTANCE.serverSocket().get(0).newInstance();
            Channel server = sb.childHandler(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    held.complete((ByteBuf) msg); // and never released
                }
            }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Bootstrap cb = IxSocketTestPermutation.INSTANCE.clientSocket().get(1).newInstance(); // NIO client
            Channel client = cb.handler(new ChannelInboundHandlerAdapter())
                    .connect(server.localAddress()).sync().channel();
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})).sync();
            assertThat(held.get(10, TimeUnit.SECONDS).readableBytes()).isPositive();
            client.close().sync();
            server.close().sync();
        }
    }
}
