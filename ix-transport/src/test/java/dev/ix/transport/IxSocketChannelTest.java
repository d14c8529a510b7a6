package dev.ix.transport;

import dev.ix.transport.test.EchoHandler;
import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Socket behaviour of the ix channels against plain JDK sockets and the kernel. */
@RequiresIoUring
class IxSocketChannelTest {
    private static EventLoopGroup group;

    @BeforeAll
    static void start() {
        group = new MultiThreadIoEventLoopGroup(1, IxIoHandler.newFactory());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }


    private static Channel echoServer(InetAddress address) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(IxServerSocketChannel.class).childHandler(new EchoHandler())
                .bind(new InetSocketAddress(address, 0)).sync().channel();
    }

    private static String roundTrip(InetSocketAddress target, String text) throws Exception {
        try (Socket s = new Socket(target.getAddress(), target.getPort())) {
            byte[] out = text.getBytes(StandardCharsets.UTF_8);
            s.getOutputStream().write(out);
            byte[] in = s.getInputStream().readNBytes(out.length);
            return new String(in, StandardCharsets.UTF_8);
        }
    }

    @Test
    void echoesOverIpv4AndIpv6() throws Exception {
        Channel v4 = echoServer(InetAddress.getByName("127.0.0.1"));
        assertThat(roundTrip((InetSocketAddress) v4.localAddress(), "over IPv4")).isEqualTo("over IPv4");
        v4.close().sync();
        if (IxSocket.IPV6) {
            Channel v6 = echoServer(InetAddress.getByName("::1"));
            InetSocketAddress local = (InetSocketAddress) v6.localAddress();
            assertThat(local.getAddress()).isInstanceOf(Inet6Address.class);
            assertThat(roundTrip(local, "over IPv6")).isEqualTo("over IPv6");
            v6.close().sync();
        }
    }

    @Test
    void acceptedChannelReportsBothAddressesAsIpv4ForIpv4Peers() throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(IxServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.complete(ctx.channel());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try (Socket s = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
            Channel child = accepted.get(10, TimeUnit.SECONDS);
            assertThat(child.remoteAddress()).isEqualTo(s.getLocalSocketAddress());
            assertThat(child.localAddress()).isEqualTo(s.getRemoteSocketAddress());
            assertThat(child.parent()).isSameAs(server);
        }
        server.close().sync();
    }

    @Test
    void soLingerZeroResetsThePeer() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ChannelFuture connect = new Bootstrap().group(group).channel(IxSocketChannel.class)
                    .option(ChannelOption.SO_LINGER, 0).handler(new ChannelInboundHandlerAdapter())
                    .connect(listener.getLocalSocketAddress());
            try (Socket peer = listener.accept()) {
                Channel ch = connect.sync().channel();
                assertThat(ch.config().getOption(ChannelOption.SO_LINGER)).isZero();
                ch.close().sync();
                InputStream in = peer.getInputStream();
                assertThatThrownBy(in::read).isInstanceOf(SocketException.class).hasMessageContaining("reset");
            }
        }
    }

    @Test
    void optionsRoundTripThroughTheKernel() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Channel ch = new Bootstrap().group(group).channel(IxSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, false).option(ChannelOption.SO_KEEPALIVE, true)
                    .option(ChannelOption.SO_SNDBUF, 64 * 1024).option(ChannelOption.SO_RCVBUF, 64 * 1024)
                    .handler(new ChannelInboundHandlerAdapter()).connect(listener.getLocalSocketAddress()).sync()
                    .channel();
            try (Socket ignored = listener.accept()) {
                IxSocketChannelConfig config = (IxSocketChannelConfig) ch.config();
                assertThat(config.isTcpNoDelay()).isFalse();
                assertThat(config.isKeepAlive()).isTrue();
                // Linux doubles the value for bookkeeping overhead.
                assertThat(config.getSendBufferSize()).isEqualTo(128 * 1024);
                assertThat(config.getReceiveBufferSize()).isEqualTo(128 * 1024);
                assertThat(new IxSocketChannel().config().isTcpNoDelay()).as("default").isTrue();
            } finally {
                ch.close().sync();
            }
        }
    }

    @Test
    void connectToAClosedPortFailsWithConnectException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        ChannelFuture f = new Bootstrap().group(group).channel(IxSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(new InetSocketAddress("127.0.0.1", port));
        assertThat(f.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(f.cause()).isInstanceOf(ConnectException.class).hasMessageContaining("connection refused")
                .hasMessageContaining(String.valueOf(port));
        assertThat(f.channel().closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void bindToAnAddressInUseSaysSo() throws Exception {
        Channel first = echoServer(InetAddress.getByName("127.0.0.1"));
        ChannelFuture second = new ServerBootstrap().group(group).channel(IxServerSocketChannel.class)
                .childHandler(new EchoHandler()).bind(first.localAddress());
        assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(second.cause()).isInstanceOf(BindException.class).hasMessageContaining("already in use");
        first.close().sync();
    }

    @Test
    void reusePortLetsTwoListenersShareAPort() throws Exception {
        Channel first = new ServerBootstrap().group(group).channel(IxServerSocketChannel.class)
                .option(IxChannelOption.SO_REUSEPORT, true).childHandler(new EchoHandler())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Channel second = new ServerBootstrap().group(group).channel(IxServerSocketChannel.class)
                .option(IxChannelOption.SO_REUSEPORT, true).childHandler(new EchoHandler())
                .bind(first.localAddress()).sync().channel();
        assertThat(second.config().getOption(IxChannelOption.SO_REUSEPORT)).isTrue();
        assertThat(roundTrip((InetSocketAddress) first.localAddress(), "shared")).isEqualTo("shared");
        first.close().sync();
        second.close().sync();
    }

    @Test
    void peerResetClosesTheChannelAndReportsIt() throws Exception {
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(IxServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.complete(ctx.channel());
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ((ByteBuf) msg).release();
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        error.complete(cause);
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Socket s = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort());
        Channel child = accepted.get(10, TimeUnit.SECONDS);
        OutputStream out = s.getOutputStream();
        out.write(1);
        s.setSoLinger(true, 0);
        s.close();
        assertThat(child.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(error.get(10, TimeUnit.SECONDS)).hasMessageContaining("ECONNRESET");
        server.close().sync();
    }

    @Test
    void heapBuffersAreWrittenThroughDirectCopies() throws Exception {
        CompletableFuture<String> got = new CompletableFuture<>();
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Channel ch = new Bootstrap().group(group).channel(IxSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(listener.getLocalSocketAddress()).sync()
                    .channel();
            try (Socket peer = listener.accept()) {
                ByteBuf heap = Unpooled.wrappedBuffer("heap-".getBytes(StandardCharsets.US_ASCII));
                ByteBuf composite = Unpooled.wrappedBuffer(Unpooled.copiedBuffer("comp", StandardCharsets.US_ASCII),
                        Unpooled.directBuffer().writeBytes("osite".getBytes(StandardCharsets.US_ASCII)));
                ch.write(heap);
                ch.writeAndFlush(composite).sync();
                got.complete(new String(peer.getInputStream().readNBytes(14), StandardCharsets.US_ASCII));
            } finally {
                ch.close().sync();
            }
        }
        assertThat(got.get()).isEqualTo("heap-composite");
    }
}
