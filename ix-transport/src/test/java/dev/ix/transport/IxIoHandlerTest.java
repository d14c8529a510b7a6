package dev.ix.transport;

import dev.ix.transport.mbuf.MbufPool;
import dev.ix.transport.test.EchoHandler;
import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loop turn's contracts, against the real kernel: bounded batches, receive paused by an exhausted mbuf pool and
 * resumed without loss, handlers on the connection's own loop, and a pool that is full again after shutdown.
 */
@RequiresIoUring
class IxIoHandlerTest {
    private final List<EventLoopGroup> groups = new ArrayList<>();

    @AfterEach
    void shutdown() throws InterruptedException {
        for (EventLoopGroup g : groups) {
            g.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    private EventLoopGroup ix(IxIoHandlerConfig config) {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, IxIoHandler.newFactory(config));
        groups.add(g);
        return g;
    }

    private EventLoopGroup nio() {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        groups.add(g);
        return g;
    }

    private static Channel connect(EventLoopGroup group, Channel server) throws InterruptedException {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel();
    }

    private static byte[] pattern(int n) {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            data[i] = (byte) (i % 251);
        }
        return data;
    }

    @io.netty.channel.ChannelHandler.Sharable
    private static class SharableInbound extends ChannelInboundHandlerAdapter {
    }

    @Test
    void atMostOneIoUringEnterPerTurnBesidesEarlySubmits() throws Exception {
        // A 4-entry SQ under 16 echoing connections: SQ-full submits happen, and they are the only extra enters.
        EventLoopGroup loop = ix(IxIoHandlerConfig.defaults().withRingEntries(4));
        Channel server = new ServerBootstrap().group(loop).channel(IxServerSocketChannel.class)
                .childHandler(new EchoHandler()).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        IxLoop ixLoop = IxLoop.of(server.eventLoop()).orElseThrow();
        List<java.net.Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                sockets.add(new java.net.Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort()));
            }
            // Read between turns (a task on the loop), so that no turn is half counted.
            IxLoopStats before = server.eventLoop().submit(ixLoop::stats).get();
            byte[] ping = pattern(100);
            for (int round = 0; round < 200; round++) {
                for (java.net.Socket s : sockets) {
                    s.getOutputStream().write(ping);
                }
                for (java.net.Socket s : sockets) {
                    assertThat(s.getInputStream().readNBytes(ping.length)).isEqualTo(ping);
                }
            }
            IxLoopStats after = server.eventLoop().submit(ixLoop::stats).get();
            long enters = after.enterCalls() - before.enterCalls();
            long turns = after.turns() - before.turns();
            long early = after.sqFull() - before.sqFull();
            assertThat(early).as("the 4-entry SQ filled up").isPositive();
            assertThat(enters).as("io_uring_enter calls over %d turns with %d early submits", turns, early)
                    .isLessThanOrEqualTo(turns + early);
        } finally {
            for (java.net.Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void burstLargerThanBatchLimitIsServedOverSeveralTurnsInOrder() throws Exception {
        int batchLimit = 2;
        EventLoopGroup loop = ix(IxIoHandlerConfig.defaults().withBatchLimit(batchLimit));
        int connections = 8;
        int perConnection = 64 * 1024;
        List<long[]> turnsAndReads = new CopyOnWriteArrayList<>();
        ByteArrayOutputStream[] received = new ByteArrayOutputStream[connections];
        CompletableFuture<Void> done = new CompletableFuture<>();
        int[] complete = {0};
        Channel server = new ServerBootstrap().group(loop).channel(IxServerSocketChannel.class)
                .childHandler(new SharableInbound() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        IxIoHandler handler = ((AbstractIxChannel) ctx.channel()).reg.handler;
                        turnsAndReads.add(new long[]{handler.turns(), 1});
                        int index = ctx.channel().attr(io.netty.util.AttributeKey.<Integer>valueOf("i")).get();
                        byte[] bytes = new byte[buf.readableBytes()];
                        buf.readBytes(bytes);
                        buf.release();
                        received[index].writeBytes(bytes);
                        if (received[index].size() == perConnection && ++complete[0] == connections) {
                            done.complete(null);
                        }
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        EventLoopGroup clients = nio();
        byte[] data = pattern(perConnection);
        List<Channel> cs = new ArrayList<>();
        int[] accepted = {0};
        server.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                Channel child = (Channel) msg;
                int i = accepted[0]++;
                received[i] = new ByteArrayOutputStream();
                child.attr(io.netty.util.AttributeKey.<Integer>valueOf("i")).set(i);
                ctx.fireChannelRead(msg);
            }
        });
        for (int i = 0; i < connections; i++) {
            cs.add(connect(clients, server));
        }
        for (Channel c : cs) {
            for (int off = 0; off < perConnection; off += 1024) {
                c.write(Unpooled.wrappedBuffer(data, off, 1024));
            }
        }
        for (Channel c : cs) {
            c.flush();
        }
        done.get(30, TimeUnit.SECONDS);
        for (ByteArrayOutputStream r : received) {
            assertThat(r.toByteArray()).isEqualTo(data);
        }
        // No turn handled more completions than the limit.
        java.util.Map<Long, Integer> perTurn = new java.util.HashMap<>();
        for (long[] t : turnsAndReads) {
            perTurn.merge(t[0], 1, Integer::sum);
        }
        assertThat(perTurn.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(batchLimit));
        assertThat(perTurn).hasSizeGreaterThan(1);
        for (Channel c : cs) {
            c.close().sync();
        }
        server.close().sync();
    }

    @Test
    void exhaustedPoolPausesReceiveAndResumesWithoutLosingAByte() throws Exception {
        // 4 mbufs of 256 bytes: the handler holds every buffer until it has 4, so the kernel runs out (ENOBUFS)
        // on every round; releasing them must resume receive with the data intact.
        EventLoopGroup loop = ix(IxIoHandlerConfig.defaults().withMbufCount(4).withMbufSize(256));
        int total = 200_000;
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        List<ByteBuf> held = new ArrayList<>();
        CompletableFuture<MbufPool> done = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(loop).channel(IxServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        held.add((ByteBuf) msg);
                        MbufPool pool = ((AbstractIxChannel) ctx.channel()).reg.handler.pool();
                        if (held.size() == 4 || received.size() + heldBytes() >= total) {
                            // Release later in the loop, after the kernel has seen the pool empty.
                            ctx.executor().execute(() -> drain(pool));
                        }
                    }

                    private int heldBytes() {
                        int n = 0;
                        for (ByteBuf b : held) {
                            n += b.readableBytes();
                        }
                        return n;
                    }

                    private void drain(MbufPool pool) {
                        for (ByteBuf b : held) {
                            byte[] bytes = new byte[b.readableBytes()];
                            b.readBytes(bytes);
                            received.writeBytes(bytes);
                            b.release();
                        }
                        held.clear();
                        if (received.size() == total) {
                            done.complete(pool);
                        }
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Channel client = connect(nio(), server);
        byte[] data = pattern(total);
        client.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
        MbufPool pool = done.get(30, TimeUnit.SECONDS);
        assertThat(received.toByteArray()).isEqualTo(data);
        assertThat(pool.enobufs()).isGreaterThan(0);
        assertThat(pool.highWater()).isEqualTo(4);
        client.close().sync();
        server.close().sync();
    }

    @Test
    void handlersRunOnTheConnectionsOwnLoopAndPoolIsFullAfterShutdown() throws Exception {
        EventLoopGroup loop = ix(IxIoHandlerConfig.defaults());
        CompletableFuture<Boolean> inLoop = new CompletableFuture<>();
        CompletableFuture<MbufPool> poolRef = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(loop).channel(IxServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        inLoop.complete(ctx.channel().eventLoop().inEventLoop());
                        poolRef.complete(((AbstractIxChannel) ctx.channel()).reg.handler.pool());
                        ctx.writeAndFlush(msg);
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Channel client = connect(nio(), server);
        client.writeAndFlush(Unpooled.wrappedBuffer(pattern(100))).sync();
        assertThat(inLoop.get(10, TimeUnit.SECONDS)).isTrue();
        MbufPool pool = poolRef.get(10, TimeUnit.SECONDS);
        client.close().sync();
        server.close().sync();
        groups.remove(loop);
        loop.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        assertThat(pool.inUse()).isZero();
        assertThat(pool.isClosed()).isTrue();
    }
}
