package dev.ix.transport;

import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** One SO_REUSEPORT listener per loop: each loop accepts onto itself, CPU steering, park and unpark. */
@RequiresIoUring
class IxListenersTest {
    private EventLoopGroup group;
    private IxListeners listeners;
    /** Server side: client port → index of the loop that served the connection. */
    private final Map<Integer, Integer> loopOfClientPort = new ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        if (listeners != null) {
            listeners.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    /** Echoes, and checks that every event of a connection happens on the thread of the loop that accepted it. */
    @ChannelHandler.Sharable
    private final class LoopCheckingEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            check(ctx, "active");
            InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
            loopOfClientPort.put(remote.getPort(), IxLoop.current().orElseThrow().index());
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            check(ctx, "read");
            ctx.writeAndFlush(msg).addListener(f -> check(ctx, "write done"));
        }

        private void check(ChannelHandlerContext ctx, String what) {
            if (!ctx.channel().eventLoop().inEventLoop()) {
                violations.add(what + " off the channel's loop on " + Thread.currentThread().getName());
            }
            if (ctx.channel().parent().eventLoop() != ctx.channel().eventLoop()) {
                violations.add(what + ": the connection is on another loop than the listener that accepted it");
            }
        }
    }

    private void start(IxIoHandlerConfig config, boolean steering) {
        group = new MultiThreadIoEventLoopGroup(2, IxIoHandler.newFactory(config));
        listeners = IxListeners.bind(new ServerBootstrap().childHandler(new LoopCheckingEcho()), group,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), steering);
    }

    /** Connects, echoes one byte, and returns the index of the loop that served the connection. */
    private int connectAndEcho(List<Socket> keepOpen) throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), listeners.localAddress().getPort());
        s.setSoTimeout(10_000);
        s.getOutputStream().write('x');
        assertThat(s.getInputStream().read()).isEqualTo('x');
        Integer loop = loopOfClientPort.get(s.getLocalPort());
        if (keepOpen == null) {
            s.close();
        } else {
            keepOpen.add(s);
        }
        return loop;
    }

    @Test
    void eachLoopAcceptsSomeConnectionsAndServesThemOnItsOwnThread() throws Exception {
        start(IxIoHandlerConfig.defaults(), false);
        assertThat(listeners.channels()).hasSize(2);
        int[] perLoop = new int[2];
        for (int i = 0; i < 64; i++) {
            perLoop[connectAndEcho(null)]++;
        }
        // The kernel hashes connections over the two listeners: 64 all on one has probability 2^-63.
        assertThat(perLoop[0]).isPositive();
        assertThat(perLoop[1]).isPositive();
        assertThat(violations).isEmpty();
        List<IxLoop> loops = IxLoop.allOf(group);
        assertThat(loops.get(0).stats().connectionsOpened() + loops.get(1).stats().connectionsOpened())
                .isEqualTo(64);
    }

    @Test
    void parkedLoopKeepsItsConnectionsAndTakesNoNewOnes() throws Exception {
        start(IxIoHandlerConfig.defaults(), false);
        List<Socket> open = new ArrayList<>();
        Socket onLoop1 = null;
        for (int i = 0; i < 200 && onLoop1 == null; i++) {
            if (connectAndEcho(open) == 1) {
                onLoop1 = open.get(open.size() - 1);
            }
        }
        assertThat(onLoop1).as("a connection on loop 1").isNotNull();

        assertThat(listeners.park(1)).isTrue();
        assertThat(listeners.isServing(1)).isFalse();
        for (int i = 0; i < 32; i++) {
            assertThat(connectAndEcho(null)).isZero();
        }
        onLoop1.getOutputStream().write('x');
        assertThat(onLoop1.getInputStream().read()).as("a parked loop serves its connections").isEqualTo('x');
        assertThatThrownBy(() -> listeners.park(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("last one serving");

        assertThat(listeners.unpark(1)).isTrue();
        int onOne = 0;
        for (int i = 0; i < 64; i++) {
            onOne += connectAndEcho(null);
        }
        assertThat(onOne).as("connections on loop 1 after unpark").isPositive();
        assertThat(violations).isEmpty();
        for (Socket s : open) {
            s.close();
        }
    }

    @Test
    void cpuSteeringSendsEachConnectionToTheLoopOfTheCpuThatReceivedIt() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two CPUs");
        start(IxIoHandlerConfig.defaults().withCpus(0, 1), true);
        assertThat(IxLoop.allOf(group).get(1).cpus()).containsExactly(1);
        assertThat(fromCpu(0)).containsOnly(0);
        assertThat(fromCpu(1)).containsOnly(1);

        // Parking and unparking reorders the kernel's group; the program follows.
        listeners.park(0);
        assertThat(fromCpu(0)).containsOnly(1);
        listeners.unpark(0);
        assertThat(fromCpu(0)).containsOnly(0);
        assertThat(fromCpu(1)).containsOnly(1);
        assertThat(violations).isEmpty();
    }

    /** Connects 16 times from a thread pinned to {@code cpu} (loopback handles a SYN on the sender's CPU). */
    private List<Integer> fromCpu(int cpu) throws Exception {
        List<Integer> loops = new CopyOnWriteArrayList<>();
        Exception[] failure = new Exception[1];
        Thread t = new Thread(() -> {
            try {
                assertThat(CpuAffinity.pinCurrentThread(cpu)).isZero();
                for (int i = 0; i < 16; i++) {
                    loops.add(connectAndEcho(null));
                }
            } catch (Exception e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join();
        if (failure[0] != null) {
            throw failure[0];
        }
        return loops;
    }

    @Test
    void rejectsATemplateWithAGroup() {
        group = new MultiThreadIoEventLoopGroup(1, IxIoHandler.newFactory());
        ServerBootstrap template = new ServerBootstrap().group(group).childHandler(new LoopCheckingEcho());
        assertThatThrownBy(() -> IxListeners.bind(template, group, new InetSocketAddress(0), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set neither group nor channel");
    }

    @Test
    void refusesAPortAnotherServerListensOnInsteadOfSharingItThroughReusePort() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, IxIoHandler.newFactory());
        try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetSocketAddress taken = (InetSocketAddress) other.getLocalSocketAddress();
            assertThatThrownBy(() -> IxListeners.bind(new ServerBootstrap().childHandler(new LoopCheckingEcho()),
                    group, taken, false))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Failed to bind on [" + taken + "]")
                    .hasMessageContaining("another socket listens on it");
        }
    }

    @Test
    void aSecondGroupOnTheSamePortIsRefusedAndTheFirstServesOn() throws Exception {
        start(IxIoHandlerConfig.defaults(), false);
        InetSocketAddress bound = listeners.localAddress();
        EventLoopGroup second = new MultiThreadIoEventLoopGroup(1, IxIoHandler.newFactory());
        try {
            assertThatThrownBy(() -> IxListeners.bind(new ServerBootstrap().childHandler(new LoopCheckingEcho()),
                    second, bound, false))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("another socket listens on it");
        } finally {
            second.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                connectAndEcho(open);
            }
        } finally {
            for (Socket socket : open) {
                socket.close();
            }
        }
        assertThat(violations).isEmpty();
    }
}
