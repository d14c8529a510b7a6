package dev.ix.transport;

import dev.ix.transport.test.EchoHandler;
import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.ChannelOutputShutdownException;
import io.netty.channel.socket.SocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ClosedChannelException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The close rule of {@link IxSocketChannel}: what was flushed before a close or an output shutdown goes to the
 * kernel as far as it takes it, every write whose promise succeeded reaches the peer before the FIN, and the peer
 * sees a prefix of the flushed stream. Checked with plain JDK sockets as peers, so ix is the only transport involved.
 */
@RequiresIoUring
class IxCloseDeliveryTest {
    private static final int CHUNK_MAX = 256 * 1024;
    /** Socket buffer size for the slow-reader cases: small enough that a burst cannot fit, large enough to be quick. */
    private static final int SMALL_BUFFER = 32 * 1024;
    private final List<EventLoopGroup> groups = new ArrayList<>();

    @AfterEach
    void shutdown() throws InterruptedException {
        for (EventLoopGroup g : groups) {
            g.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS);
        }
    }

    private Channel server(ChannelHandler child) throws InterruptedException {
        return server(child, 0);
    }

    /** @param sendBuffer the connections' {@code SO_SNDBUF}, 0 for the kernel's autotuned default */
    private Channel server(ChannelHandler child, int sendBuffer) throws InterruptedException {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, IxIoHandler.newFactory());
        groups.add(g);
        ServerBootstrap b = new ServerBootstrap().group(g).channel(IxServerSocketChannel.class);
        if (sendBuffer > 0) {
            b.childOption(ChannelOption.SO_SNDBUF, sendBuffer);
        }
        return b.childHandler(child)
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }

    private static int port(Channel server) {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Test
    void echoedStreamsArriveWholeBeforeTheCloseThatFollowsThePeersFin() throws Exception {
        Channel server = server(new EchoHandler());
        int connections = 20;
        ExecutorService pool = Executors.newFixedThreadPool(2 * connections);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                long seed = i;
                results.add(pool.submit(() -> echoOnce(port(server), seed, 1 << 20, pool)));
            }
            for (Future<String> r : results) {
                assertThat(r.get(120, TimeUnit.SECONDS)).isEqualTo("intact");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void helloThenHalfCloseIsEchoed() throws Exception {
        Channel server = server(new EchoHandler());
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port(server))) {
            s.getOutputStream().write("hello".getBytes());
            s.shutdownOutput();
            assertThat(new String(s.getInputStream().readAllBytes())).isEqualTo("hello");
        }
    }

    /** Sends {@code bytes} in random chunks, half-closes, reads the echo to EOF; "intact" or what went wrong. */
    private static String echoOnce(int port, long seed, int bytes, ExecutorService pool) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            CompletableFuture<byte[]> echoed = new CompletableFuture<>();
            pool.submit(() -> {
                try {
                    echoed.complete(digestToEof(s.getInputStream(), new AtomicLong()));
                } catch (Throwable t) {
                    echoed.completeExceptionally(t);
                }
            });
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            Random random = new Random(seed);
            OutputStream out = s.getOutputStream();
            int left = bytes;
            while (left > 0) {
                byte[] chunk = new byte[Math.min(left, 1 + random.nextInt(CHUNK_MAX))];
                random.nextBytes(chunk);
                out.write(chunk);
                sent.update(chunk);
                left -= chunk.length;
            }
            s.shutdownOutput();
            byte[] got = echoed.get(120, TimeUnit.SECONDS);
            return Arrays.equals(got, sent.digest()) ? "intact" : "mismatch on stream " + seed;
        }
    }

    private static byte[] digestToEof(InputStream in, AtomicLong count) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] b = new byte[64 * 1024];
        int n;
        while ((n = in.read(b)) > 0) {
            d.update(b, 0, n);
            count.addAndGet(n);
        }
        return d.digest();
    }

    /** A server that writes {@code writes} flushed chunks as soon as a client connects, then runs {@code end}. */
    private static final class Burst extends ChannelInboundHandlerAdapter {
        final List<ChannelFuture> writes = new ArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        private final int count;
        private final int size;
        private final boolean shutdownOutput;

        Burst(int count, int size, boolean shutdownOutput) {
            this.count = count;
            this.size = size;
            this.shutdownOutput = shutdownOutput;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Random random = new Random(7);
            for (int i = 0; i < count; i++) {
                byte[] b = new byte[size];
                random.nextBytes(b);
                stream.writeBytes(b);
                writes.add(ctx.writeAndFlush(Unpooled.wrappedBuffer(b)));
            }
            ChannelFuture end = shutdownOutput ? ((SocketChannel) ctx.channel()).shutdownOutput() : ctx.close();
            ChannelFuture late = ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
            end.addListener(f -> late.addListener(l -> {
                if (l.isSuccess()) {
                    done.completeExceptionally(new AssertionError("a write after the close succeeded"));
                } else if (shutdownOutput && !(l.cause() instanceof ChannelOutputShutdownException)
                        || !shutdownOutput && !(l.cause() instanceof ClosedChannelException)) {
                    done.completeExceptionally(new AssertionError("late write failed with " + l.cause(), l.cause()));
                } else {
                    done.complete(null);
                }
            }));
        }

        long bytesOfSucceededWrites() {
            long n = 0;
            for (ChannelFuture w : writes) {
                assertThat(w.isDone()).isTrue();
                if (!w.isSuccess()) {
                    break;
                }
                n += size;
            }
            return n;
        }

        /** Once a write failed every later one must have failed too: the peer got a prefix. */
        void assertFailuresAreASuffix() {
            boolean failed = false;
            for (ChannelFuture w : writes) {
                if (failed) {
                    assertThat(w.isSuccess()).as("a write after a failed one succeeded").isFalse();
                }
                failed |= !w.isSuccess();
            }
        }
    }

    @Test
    void closeRightAfterFlushDeliversEveryWriteThatSucceededAndAPrefixOfTheRest() throws Exception {
        checkBurst(false, false);
    }

    @Test
    void shutdownOutputRightAfterFlushDeliversEveryWriteThatSucceededAndAPrefixOfTheRest() throws Exception {
        checkBurst(true, false);
    }

    @Test
    void closeRightAfterFlushToASlowReaderKeepsTheStreamAPrefix() throws Exception {
        checkBurst(false, true);
    }

    private void checkBurst(boolean shutdownOutput, boolean slowReader) throws Exception {
        Burst burst = new Burst(64, 32 * 1024, shutdownOutput);
        Channel server = server(burst, slowReader ? SMALL_BUFFER : 0);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port(server))) {
            if (slowReader) {
                // Nothing is read until the close has happened: the kernel takes only what fits in the buffers.
                s.setReceiveBufferSize(SMALL_BUFFER);
                burst.done.get(30, TimeUnit.SECONDS);
            }
            byte[] got = s.getInputStream().readAllBytes();
            burst.done.get(30, TimeUnit.SECONDS);
            burst.assertFailuresAreASuffix();
            byte[] sent = burst.stream.toByteArray();
            assertThat(got.length).isGreaterThanOrEqualTo((int) burst.bytesOfSucceededWrites())
                    .isLessThanOrEqualTo(sent.length);
            assertThat(Arrays.equals(got, 0, got.length, sent, 0, got.length)).as("received a prefix").isTrue();
            if (!slowReader) {
                // A reader that keeps up sees the whole burst, as from Netty's epoll transport.
                assertThat(got.length).isEqualTo(sent.length);
            }
        }
    }

    @Test
    void closeFromTheLastWritesListenerDeliversEverythingToASlowReader() throws Exception {
        int size = 1 << 20;
        Channel server = server(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[size])).addListener(ChannelFutureListener.CLOSE);
            }
        }, SMALL_BUFFER);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port(server))) {
            s.setReceiveBufferSize(SMALL_BUFFER);
            assertThat(s.getInputStream().readAllBytes()).hasSize(size);
        }
    }
}
