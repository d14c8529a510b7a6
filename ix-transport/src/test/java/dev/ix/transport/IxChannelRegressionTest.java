package dev.ix.transport;

import dev.ix.transport.mbuf.MbufPool;
import dev.ix.transport.test.EchoHandler;
import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Failures found in review of the channels, each reproduced against the real kernel and kept as a guard. */
@RequiresIoUring
class IxChannelRegressionTest {
    private final List<EventLoopGroup> groups = new ArrayList<>();

    @AfterEach
    void shutdown() throws InterruptedException {
        for (EventLoopGroup g : groups) {
            g.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS);
        }
    }

    private EventLoopGroup ix(IxIoHandlerConfig config) {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, IxIoHandler.newFactory(config));
        groups.add(g);
        return g;
    }

    private static int port(Channel server) {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Test
    void fileRegionIsSentWholeWhenItsLastChunkGoesOutInPieces() throws Exception {
        EventLoopGroup g = ix(IxIoHandlerConfig.defaults());
        int size = 100 * 1024;
        Path file = Files.createTempFile("ix-region", ".bin");
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) i;
        }
        Files.write(file, data);
        Channel server = new ServerBootstrap().group(g).channel(IxServerSocketChannel.class)
                .childOption(ChannelOption.SO_SNDBUF, 4096)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) throws Exception {
                        RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r");
                        ctx.writeAndFlush(new DefaultFileRegion(raf.getChannel(), 0, size))
                                .addListener(ChannelFutureListener.CLOSE);
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(server.localAddress());
            assertThat(s.getInputStream().readAllBytes()).isEqualTo(data);
        } finally {
            server.close().sync();
            Files.deleteIfExists(file);
        }
    }

    @Test
    void readRequestedWhileAMultishotCancellationIsPendingIsHonoured() throws Exception {
        EventLoopGroup g = ix(IxIoHandlerConfig.defaults());
        Channel server = new ServerBootstrap().group(g).channel(IxServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                        ctx.channel().config().setAutoRead(false);
                        ByteBuf ok = ctx.alloc().directBuffer(2).writeBytes(new byte[]{'o', 'k'});
                        ctx.writeAndFlush(ok).addListener(f -> ctx.read());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try (Socket s = new Socket("127.0.0.1", port(server))) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            for (int i = 0; i < 3; i++) {
                s.getOutputStream().write('x');
                assertThat(new String(in.readNBytes(2), StandardCharsets.US_ASCII)).as("reply %d", i).isEqualTo("ok");
            }
        } finally {
            server.close().sync();
        }
    }

    @Test
    void closeAfterALargeWriteCompletesWhileThePeerDoesNotRead() throws Exception {
        EventLoopGroup g = ix(IxIoHandlerConfig.defaults());
        CompletableFuture<ChannelFuture> closeFuture = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(g).channel(IxServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(ctx.alloc().directBuffer(8 << 20).writeZero(8 << 20));
                        closeFuture.complete(ctx.close());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try (Socket ignored = new Socket("127.0.0.1", port(server))) {
            ChannelFuture cf = closeFuture.get(30, TimeUnit.SECONDS);
            assertThat(cf.await(30, TimeUnit.SECONDS)).as("close() completed while the peer does not read").isTrue();
        } finally {
            server.close().sync();
        }
    }

    @Test
    void outputShutdownWaitsForTheInFlightSendBeforeNettyReleasesItsBuffers() throws Exception {
        EventLoopGroup g = ix(IxIoHandlerConfig.defaults());
        CompletableFuture<Object[]> atShutdown = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(g).channel(IxServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ByteBuf a = ctx.alloc().directBuffer(1 << 20).writeZero(1 << 20);
                        ByteBuf b = ctx.alloc().directBuffer(1 << 20).writeZero(1 << 20);
                        ctx.write(a);
                        ctx.writeAndFlush(b);
                        // The send is queued for the kernel, which will read a and b: Netty may release them (it
                        // fails what the kernel did not take) only once that send has completed.
                        IxSocketChannel ch = (IxSocketChannel) ctx.channel();
                        ch.shutdownOutput().addListener(f -> atShutdown.complete(
                                new Object[] {ch.closeMustWait(), a.refCnt(), b.refCnt(), f.isSuccess()}));
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try (Socket ignored = new Socket("127.0.0.1", port(server))) {
            // The peer reads nothing: the kernel takes part of the 2 MiB, the rest fails when the output shuts down.
            assertThat(atShutdown.get(30, TimeUnit.SECONDS)).as("send in flight, refCnt a, refCnt b, shut down")
                    .containsExactly(false, 0, 0, true);
        } finally {
            server.close().sync();
        }
    }

    @ChannelHandler.Sharable
    private static final class HogThenManualRead extends ChannelInboundHandlerAdapter {
        final List<Object> held = new ArrayList<>();
        final AtomicReference<Channel> hog = new AtomicReference<>();
        final CompletableFuture<Void> exhausted = new CompletableFuture<>();
        final CompletableFuture<Channel> reader = new CompletableFuture<>();
        final CompletableFuture<String> manualRead = new CompletableFuture<>();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (hog.compareAndSet(null, ctx.channel())) {
                return;
            }
            ctx.channel().config().setAutoRead(false);
            ctx.read();
            reader.complete(ctx.channel());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (ctx.channel() == hog.get()) {
                held.add(msg);
                if (held.size() == 4) {
                    exhausted.complete(null);
                }
            } else {
                ByteBuf buf = (ByteBuf) msg;
                manualRead.complete(buf.toString(StandardCharsets.US_ASCII));
                buf.release();
            }
        }

        void releaseHeld() {
            for (Object o : held) {
                ReferenceCountUtil.release(o);
            }
            held.clear();
        }
    }

    @Test
    void readWithAutoReadOffResumesWhenAnExhaustedPoolRefills() throws Exception {
        EventLoopGroup g = ix(IxIoHandlerConfig.defaults().withMbufCount(4).withMbufSize(256));
        HogThenManualRead handler = new HogThenManualRead();
        Channel server = new ServerBootstrap().group(g).channel(IxServerSocketChannel.class).childHandler(handler)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try (Socket a = new Socket("127.0.0.1", port(server))) {
            a.getOutputStream().write(new byte[1024]);
            handler.exhausted.get(30, TimeUnit.SECONDS);
            try (Socket b = new Socket("127.0.0.1", port(server))) {
                Channel reader = handler.reader.get(30, TimeUnit.SECONDS);
                b.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                MbufPool pool = ((IxSocketChannel) reader).reg.handler.pool();
                // Wait (by loop turns, not time) until the single-shot read has hit the empty pool.
                for (int i = 0; i < 100_000 && server.eventLoop().submit(pool::enobufs).get() == 0; i++) {
                    Thread.onSpinWait();
                }
                assertThat(pool.enobufs()).isPositive();
                server.eventLoop().submit(handler::releaseHeld).sync();
                assertThat(handler.manualRead.get(30, TimeUnit.SECONDS)).isEqualTo("hello");
            }
        } finally {
            server.close().sync();
        }
    }

    @Test
    void receivePausedByEnobufsResumesWhenItsBuffersCameBackBeforeItsCompletionWasReaped() throws Exception {
        // One completion per turn: the ENOBUFS that ended the multishot receive waits in the CQ behind the data
        // completions that took the last mbufs. The handler gives all of them back at once, so they are published
        // at the start of the turn that reaps the ENOBUFS, and no later return would wake the paused receive.
        int mbufs = 8;
        int total = 256 * 1024;
        EventLoopGroup g = ix(IxIoHandlerConfig.defaults().withBatchLimit(1).withMbufCount(mbufs).withMbufSize(256));
        CompletableFuture<Long> received = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(g).channel(IxServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    private final List<ByteBuf> held = new ArrayList<>();
                    private long bytes;

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        bytes += buf.readableBytes();
                        held.add(buf);
                        if (held.size() == mbufs) {
                            List<ByteBuf> all = new ArrayList<>(held);
                            held.clear();
                            ctx.executor().execute(() -> all.forEach(ByteBuf::release));
                        }
                        if (bytes == total) {
                            held.forEach(ByteBuf::release);
                            held.clear();
                            received.complete(bytes);
                        }
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try (Socket s = new Socket("127.0.0.1", port(server))) {
            s.getOutputStream().write(new byte[total]);
            assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(total);
            assertThat(IxLoop.of(server.eventLoop()).orElseThrow().stats().mbufEnobufs()).as("the pool ran dry")
                    .isPositive();
        } finally {
            server.close().sync();
        }
    }

    @Test
    void receiveQueuedBeforeCloseNeverReadsFromTheNextSocketWithTheSameFd() throws Exception {
        EventLoopGroup g = ix(IxIoHandlerConfig.defaults());
        try (ServerSocket l1 = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             ServerSocket l2 = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Channel ch = new Bootstrap().group(g).channel(IxSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false).handler(new ChannelInboundHandlerAdapter())
                    .connect(l1.getLocalSocketAddress()).sync().channel();
            try (Socket ignored = l1.accept()) {
                AtomicReference<Socket[]> pair = new AtomicReference<>();
                ch.eventLoop().submit(() -> {
                    ch.read();  // queues a recv SQE naming the fd
                    ch.close(); // must not free the fd number before that SQE is submitted
                    Socket s2 = new Socket();
                    s2.connect(l2.getLocalSocketAddress()); // the lowest free fd: likely the same number
                    Socket p2 = l2.accept();
                    p2.getOutputStream().write("secret".getBytes(StandardCharsets.US_ASCII));
                    pair.set(new Socket[]{s2, p2});
                    return null;
                }).sync();
                try (Socket s2 = pair.get()[0]; Socket ignored2 = pair.get()[1]) {
                    s2.setSoTimeout(10_000);
                    byte[] got;
                    try {
                        got = s2.getInputStream().readNBytes(6);
                    } catch (SocketTimeoutException e) {
                        got = new byte[0];
                    }
                    assertThat(new String(got, StandardCharsets.US_ASCII)).as("what the unrelated socket got")
                            .isEqualTo("secret");
                }
            }
        }
    }

    @Test
    void wakeupAfterTheLoopStoppedWritesNothing() throws Exception {
        AtomicReference<IoHandler> handler = new AtomicReference<>();
        IoHandlerFactory base = IxIoHandler.newFactory();
        IoHandlerFactory factory = executor -> {
            IoHandler h = base.newHandler(executor);
            handler.set(h);
            return h;
        };
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, factory);
        g.submit(() -> { }).sync();
        g.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        Path tmp = Files.createTempFile("ix-wakeup", ".log");
        // Opened now, this file likely gets the number the loop's eventfd had.
        try (FileOutputStream ignored = new FileOutputStream(tmp.toFile())) {
            handler.get().wakeup();
        }
        assertThat(Files.size(tmp)).isZero();
        Files.delete(tmp);
    }

    @Test
    void shutdownClosesAConnectionWhoseWriteCanNeverFinish() throws Exception {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, IxIoHandler.newFactory());
        CompletableFuture<Channel> child = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(g).channel(IxServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(ctx.alloc().directBuffer(8 << 20).writeZero(8 << 20));
                        child.complete(ctx.channel());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try (Socket ignored = new Socket("127.0.0.1", port(server))) {
            Channel c = child.get(30, TimeUnit.SECONDS);
            assertThat(g.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(c.isOpen()).isFalse();
        }
    }

    @Test
    void autoReadToggledFromAnotherThreadKeepsTheEchoIntact() throws Exception {
        EventLoopGroup g = ix(IxIoHandlerConfig.defaults());
        CompletableFuture<Channel> child = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(g).channel(IxServerSocketChannel.class)
                .childHandler(new EchoHandler() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        child.complete(ctx.channel());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        AtomicBoolean stop = new AtomicBoolean();
        try (Socket s = new Socket("127.0.0.1", port(server))) {
            Channel c = child.get(30, TimeUnit.SECONDS);
            Thread toggler = new Thread(() -> {
                while (!stop.get()) {
                    c.config().setAutoRead(false);
                    c.config().setAutoRead(true);
                }
            });
            toggler.start();
            s.setSoTimeout(30_000);
            byte[] out = new byte[1000];
            try {
                for (int round = 0; round < 2000; round++) {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = (byte) (i + round);
                    }
                    s.getOutputStream().write(out);
                    assertThat(s.getInputStream().readNBytes(out.length)).as("echo round %d", round).isEqualTo(out);
                }
            } finally {
                stop.set(true);
                toggler.join();
            }
        } finally {
            server.close().await(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWriteFromTheListenerOfACompletedWriteDoesNotResendBytesOfTheSameSend() throws Exception {
        EventLoopGroup g = ix(IxIoHandlerConfig.defaults());
        Channel server = new ServerBootstrap().group(g).channel(IxServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        // a and b leave in one gathered send; a's listener runs while that send's bytes are removed.
                        ctx.write(ascii(ctx, "aaaa")).addListener(f -> ctx.writeAndFlush(ascii(ctx, "cccc"))
                                .addListener(ChannelFutureListener.CLOSE));
                        ctx.writeAndFlush(ascii(ctx, "bbbb"));
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try (Socket s = new Socket("127.0.0.1", port(server))) {
            s.setSoTimeout(10_000);
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("aaaabbbbcccc");
        } finally {
            server.close().sync();
        }
    }

    private static ByteBuf ascii(ChannelHandlerContext ctx, String text) {
        return ctx.alloc().directBuffer(text.length()).writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void peerShutdownIsSeenWithAutoReadOffAndNoReadPending() throws Exception {
        EventLoopGroup g = ix(IxIoHandlerConfig.defaults());
        CompletableFuture<String> seen = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(g).channel(IxServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    private final StringBuilder received = new StringBuilder();

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        received.append(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                        ReferenceCountUtil.release(msg);
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof io.netty.channel.socket.ChannelInputShutdownReadComplete) {
                            seen.complete(received.toString());
                            ctx.close();
                        }
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try (Socket s = new Socket("127.0.0.1", port(server))) {
            s.getOutputStream().write("left over".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            // Netty's native transports read what is left up to the end of stream once the peer shuts down.
            assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("left over");
        } finally {
            server.close().sync();
        }
    }
}
