package dev.ix.transport;

import dev.ix.transport.test.Poll;
import dev.ix.transport.test.RequiresIoUring;
import dev.ix.transport.uring.LibC;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandler;
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
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A loop that stops with thousands of connections closes every one of them: no descriptor stays behind. */
@RequiresIoUring
class IxShutdownTest {

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static long softFileLimit() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rlim = arena.allocate(16, 8);
            assertThat(LibC.getrlimit(LibC.RLIMIT_NOFILE, rlim)).isZero();
            return rlim.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    @ChannelHandler.Sharable
    private static final class Idle extends ChannelInboundHandlerAdapter {
    }

    @Test
    void stoppingLoopClosesThousandsOfConnections() throws Exception {
        // More connections than the CQ (8192 entries) has room for the completions of their closes.
        long base = openFds();
        int n = (int) Math.min(6000, (softFileLimit() - base) / 2 - 200);
        assumeTrue(n >= 4500, "needs a file limit of about 10 000 descriptors");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, IxIoHandler.newFactory());
        ServerBootstrap template = new ServerBootstrap().childHandler(new Idle());
        IxListeners listeners = IxListeners.bind(template, group,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false);
        IxLoop loop = IxLoop.allOf(group).get(0);
        List<SocketChannel> clients = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                clients.add(SocketChannel.open(listeners.localAddress()));
            }
            Poll.until(() -> loop.stats().connections() >= n);
            assertThat(loop.stats().connections()).isEqualTo(n);
            listeners.close();
            assertThat(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(loop.stats().connections()).as("connections left registered").isZero();
            // Our clients' n descriptors remain; the server's n must all be closed.
            assertThat(openFds() - base - n).as("server descriptors left open").isLessThan(20);
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        }
    }
}
