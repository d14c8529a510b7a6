package dev.ix.transport;

import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection moved to another loop ({@code deregister()}, then {@code register} with another group) loses and
 * repeats no byte: what its receive had already taken is read before it leaves, what arrives later is read on the
 * new loop, and a send in flight is accounted for exactly once.
 */
@RequiresIoUring
class IxReregisterTest {
    private final List<EventLoopGroup> groups = new ArrayList<>();

    @AfterEach
    void shutdown() throws InterruptedException {
        for (EventLoopGroup g : groups) {
            g.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS);
        }
    }

    private EventLoopGroup group() {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, IxIoHandler.newFactory());
        groups.add(g);
        return g;
    }

    private static int port(Channel server) {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Test
    void aStreamReceivedAcrossAMoveArrivesWhole() throws Exception {
        EventLoopGroup first = group();
        EventLoopGroup second = group();
        int total = 8 << 20;
        CompletableFuture<byte[]> digest = new CompletableFuture<>();
        CompletableFuture<Boolean> moved = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(first).channel(IxServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    private final MessageDigest d = sha256();
                    private long bytes;

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        bytes += buf.readableBytes();
                        d.update(buf.nioBuffer());
                        buf.release();
                        if (bytes >= total / 4 && !moved.isDone()) {
                            moved.complete(true);
                            ctx.deregister().addListener(f -> second.register(ctx.channel()).addListener(r -> {
                                if (!r.isSuccess()) {
                                    digest.completeExceptionally(r.cause());
                                }
                            }));
                        }
                        if (bytes == total) {
                            digest.complete(d.digest());
                        }
                    }
                }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        byte[] sent = new byte[total];
        new Random(3).nextBytes(sent);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port(server))) {
            OutputStream out = s.getOutputStream();
            for (int off = 0; off < total; off += 64 * 1024) {
                out.write(sent, off, 64 * 1024);
            }
            assertThat(digest.get(60, TimeUnit.SECONDS)).isEqualTo(sha256().digest(sent));
            assertThat(moved.getNow(false)).isTrue();
        }
    }

    @Test
    void aSendInFlightWhenTheConnectionMovesIsNeitherLostNorRepeated() throws Exception {
        EventLoopGroup first = group();
        EventLoopGroup second = group();
        int total = 4 << 20;
        byte[] payload = new byte[total];
        new Random(5).nextBytes(payload);
        CompletableFuture<Void> reRegistered = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(first).channel(IxServerSocketChannel.class)
                .childOption(ChannelOption.SO_SNDBUF, 16 * 1024)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        // The peer does not read yet: the send waits in the kernel when the move begins.
                        ctx.writeAndFlush(Unpooled.wrappedBuffer(payload));
                        ctx.deregister().addListener(f -> second.register(ctx.channel()).addListener(r -> {
                            if (r.isSuccess()) {
                                reRegistered.complete(null);
                            } else {
                                reRegistered.completeExceptionally(r.cause());
                            }
                        }));
                    }
                }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port(server))) {
            reRegistered.get(30, TimeUnit.SECONDS);
            s.setSoTimeout(30_000); // a hang guard: lost bytes would leave the read waiting for good
            InputStream in = s.getInputStream();
            byte[] got = in.readNBytes(total);
            assertThat(got).hasSize(total);
            assertThat(sha256().digest(got)).isEqualTo(sha256().digest(payload));
            s.setSoTimeout(200);
            assertThat(available(in)).as("no byte sent twice").isZero();
        }
    }

    @Test
    void aReadRequestedBeforeTheMoveIsServedOnTheNewLoop() throws Exception {
        EventLoopGroup first = group();
        EventLoopGroup second = group();
        CompletableFuture<IxSocketChannel> child = new CompletableFuture<>();
        CompletableFuture<Boolean> readOnSecond = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(first).channel(IxServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.read(); // the peer is silent: the read waits, armed, when the move begins
                        child.complete((IxSocketChannel) ctx.channel());
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ((ByteBuf) msg).release();
                        readOnSecond.complete(second.next() == ctx.channel().eventLoop());
                    }
                }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port(server))) {
            IxSocketChannel ch = child.get(30, TimeUnit.SECONDS);
            CompletableFuture<Void> moved = new CompletableFuture<>();
            ch.eventLoop().execute(() -> ch.deregister().addListener(f -> second.register(ch)
                    .addListener(r -> moved.complete(null))));
            moved.get(30, TimeUnit.SECONDS);
            s.getOutputStream().write(new byte[] {1, 2, 3});
            assertThat(readOnSecond.get(30, TimeUnit.SECONDS)).as("read on the new loop").isTrue();
            ch.close().sync();
        }
    }

    private static int available(InputStream in) throws Exception {
        try {
            return in.read() < 0 ? 0 : 1;
        } catch (java.net.SocketTimeoutException e) {
            return 0;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
