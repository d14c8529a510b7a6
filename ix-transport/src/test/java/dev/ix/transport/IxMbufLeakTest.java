package dev.ix.transport;

import dev.ix.transport.mbuf.MbufPool;
import dev.ix.transport.test.NettyLeakDetection;
import dev.ix.transport.test.Poll;
import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An mbuf leaked by a handler on a real loop: the leak report says where the loop received it and which handler it
 * reached last, and the loop takes the slot back once the collector has found the view.
 */
@RequiresIoUring
class IxMbufLeakTest {

    @Test
    void handlerThatDropsAnMbufIsReportedAndTheSlotComesBack() throws Exception {
        NettyLeakDetection.withLevel(ResourceLeakDetector.Level.PARANOID, () -> {
            EventLoopGroup ix = new MultiThreadIoEventLoopGroup(1, IxIoHandler.newFactory());
            EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            try {
                leakOneAndReclaim(ix, nio);
            } finally {
                ix.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
                nio.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            }
        });
    }

    private static void leakOneAndReclaim(EventLoopGroup ix, EventLoopGroup nio) throws Exception {
        CompletableFuture<MbufPool> poolRef = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(ix).channel(IxServerSocketChannel.class)
                .childHandler(new DroppingHandler(poolRef))
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Channel client = new Bootstrap().group(nio).channel(NioSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel();
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})).sync();
        MbufPool pool = poolRef.get(10, TimeUnit.SECONDS);
        assertThat(Poll.until(() -> pool.inUse() == 1)).as("the dropped mbuf is held: %s", pool).isTrue();

        List<String> leaks = NettyLeakDetection.collectLeaks();
        assertThat(leaks).singleElement().asString()
                .contains("LEAK: MbufByteBuf.release() was not called")
                .contains("dev.ix.transport.mbuf.MbufPool.received(", "dev.ix.transport.IxIoHandler")
                .contains(DroppingHandler.class.getSimpleName()); // the pipeline's touch: who had it last
        assertThat(Poll.until(() -> {
            ix.next().execute(() -> { }); // a turn of the idle loop, which takes the slot back
            return pool.inUse() == 0;
        })).as("the leaked slot came back: %s", pool).isTrue();
        assertThat(pool.leaksReclaimed()).isOne();
        assertThat(IxLoop.allOf(ix).get(0).stats().mbufLeaksReclaimed()).isOne();
        client.close().sync();
        server.close().sync();
    }

    /** Drops every buffer it reads, without releasing it. */
    private static final class DroppingHandler extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<MbufPool> poolRef;

        DroppingHandler(CompletableFuture<MbufPool> poolRef) {
            this.poolRef = poolRef;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            poolRef.complete(((AbstractIxChannel) ctx.channel()).reg.handler.pool());
            // msg dropped: no ReferenceCountUtil.release(msg)
        }
    }
}
