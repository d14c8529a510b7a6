package dev.ix.transport;

import dev.ix.transport.test.Poll;
import dev.ix.transport.test.RequiresIoUring;
import dev.ix.transport.uring.Errno;
import dev.ix.transport.uring.LibC;
import dev.ix.transport.uring.NativeIoException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Out of file descriptors: the listener backs off, counts it, keeps serving, and loses no pending connection. */
@RequiresIoUring
class IxAcceptBackoffTest {
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** Opens files until the descriptor table is full. */
    private static void fill(List<FileChannel> fillers) {
        try {
            for (int i = 0; i < 10_000; i++) {
                fillers.add(FileChannel.open(Path.of("/dev/null")));
            }
        } catch (IOException expected) {
            // "Too many open files": full.
        }
    }

    private static void echo(SocketChannel c) throws IOException {
        c.write(ByteBuffer.wrap(new byte[] {'x'}));
        c.socket().setSoTimeout(10_000);
        assertThat(c.socket().getInputStream().read()).isEqualTo('x');
    }

    @Test
    void acceptPausesWhileTheProcessIsOutOfDescriptorsAndServesThePendingConnectionsAfterwards() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, IxIoHandler.newFactory());
        ServerBootstrap template = new ServerBootstrap().childHandler(new Echo());
        IxLoop loop = IxLoop.allOf(group).get(0);
        // Loading a class opens its file: run everything that runs while the table is full once beforehand.
        IxListeners warmUp = IxListeners.bind(template, group, ANY_PORT, false);
        try (SocketChannel c = SocketChannel.open(warmUp.localAddress())) {
            echo(c);
        }
        warmUp.close();
        new NativeIoException("accept", Errno.EMFILE).getMessage();
        Poll.until(() -> loop.stats().connections() == 0);
        assertThat(loop.stats().acceptBackoffs()).isZero();

        List<SocketChannel> clients = new ArrayList<>();
        List<FileChannel> fillers = new ArrayList<>();
        IxListeners listeners = null;
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < 3; i++) {
                clients.add(SocketChannel.open());
            }
            MemorySegment saved = arena.allocate(16, 8);
            assertThat(LibC.getrlimit(LibC.RLIMIT_NOFILE, saved)).isZero();
            MemorySegment low = arena.allocate(16, 8);
            low.set(ValueLayout.JAVA_LONG, 0, openFds() + 64);
            low.set(ValueLayout.JAVA_LONG, 8, saved.get(ValueLayout.JAVA_LONG, 8));
            assertThat(LibC.setrlimit(LibC.RLIMIT_NOFILE, low)).isZero();
            try {
                // io_uring takes the limit when an accept is armed: bind under the low limit, with room for the
                // listener's own socket only.
                fill(fillers);
                fillers.remove(fillers.size() - 1).close();
                listeners = IxListeners.bind(template, group, ANY_PORT, false);
                fill(fillers);
                for (SocketChannel c : clients) {
                    c.connect(listeners.localAddress());   // completes in the kernel's backlog
                }
                Poll.until(() -> loop.stats().acceptBackoffs() > 0);
                assertThat(loop.stats().acceptBackoffs()).isPositive();
                assertThat(loop.stats().connectionsOpened()).as("only the warm-up connection").isEqualTo(1);
            } finally {
                for (FileChannel f : fillers) {
                    f.close();
                }
                assertThat(LibC.setrlimit(LibC.RLIMIT_NOFILE, saved)).isZero();
            }
            for (SocketChannel c : clients) {
                echo(c);
            }
            assertThat(loop.stats().connectionsOpened()).as("every pending connection accepted at last")
                    .isEqualTo(1 + clients.size());
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
            if (listeners != null) {
                listeners.close();
            }
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}
