package dev.ix.transport;

import dev.ix.transport.test.Poll;
import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A loop's identity, pinning, counters, timer wheel and stall watchdog. */
@RequiresIoUring
class IxLoopTest {
    private EventLoopGroup group;

    @AfterEach
    void stop() throws InterruptedException {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    private IxLoop startOneLoop(IxIoHandlerConfig config) throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, IxIoHandler.newFactory(config));
        EventExecutor executor = group.next();
        executor.submit(() -> { }).sync();
        return IxLoop.of(executor).orElseThrow();
    }

    private static <T> T onLoop(IxLoop loop, java.util.concurrent.Callable<T> call) throws Exception {
        return loop.executor().submit(call).get(10, TimeUnit.SECONDS);
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        assertThat(Poll.until(condition)).isTrue();
    }

    @Test
    void loopThreadIsNamedForTheTransportAndPinnedToItsCpu() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two CPUs");
        IxLoop loop = startOneLoop(IxIoHandlerConfig.defaults().withCpus(1));
        assertThat(loop.threadName()).matches("ix-loop-\\d+-0@cpu1");
        assertThat(loop.cpus()).containsExactly(1);
        String status = onLoop(loop, () -> Files.readString(Path.of("/proc/thread-self/status")));
        assertThat(status).containsPattern("Cpus_allowed_list:\\s+1\\n");
        assertThat(IxLoop.allOf(group)).containsExactly(loop);
        assertThat(onLoop(loop, () -> IxLoop.current().orElseThrow())).isSameAs(loop);
        assertThat(IxLoop.current()).isEmpty();
    }

    @Test
    void unpinnedLoopKeepsEveryCpu() throws Exception {
        IxLoop loop = startOneLoop(IxIoHandlerConfig.defaults());
        assertThat(loop.threadName()).matches("ix-loop-\\d+-0");
        assertThat(loop.cpus()).isEmpty();
    }

    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    @Test
    void statsCountTurnsBytesAndConnections() throws Exception {
        IxLoop loop = startOneLoop(IxIoHandlerConfig.defaults());
        Channel server = new ServerBootstrap().group(group).channel(IxServerSocketChannel.class)
                .childHandler(new Echo()).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync()
                .channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(new byte[100]);
            assertThat(s.getInputStream().readNBytes(100)).hasSize(100);
            eventually(() -> loop.stats().connections() == 1 && loop.stats().bytesSent() >= 100);
        }
        eventually(() -> loop.stats().connections() == 0);
        IxLoopStats stats = loop.stats();
        assertThat(stats.alive()).isTrue();
        assertThat(stats.connectionsOpened()).isEqualTo(1);
        assertThat(stats.bytesReceived()).isEqualTo(100);
        assertThat(stats.bytesSent()).isEqualTo(100);
        assertThat(stats.turns()).isPositive();
        assertThat(stats.completions()).isPositive();
        assertThat(stats.enterCalls()).isPositive();
        assertThat(stats.busyNanos()).isPositive();
        assertThat(stats.mbufsInUse()).isZero();
        assertThat(stats.mbufCount()).isEqualTo(IxIoHandlerConfig.defaults().mbufCount());
        assertThat(stats.completionsPerTurn()).hasSize(LoopActivity.TURN_SIZE_BUCKETS);
        assertThat(java.util.Arrays.stream(stats.completionsPerTurn()).sum()).isEqualTo(stats.turns());
        server.close().sync();
    }

    @Test
    void timerWheelFiresOnTheLoopThreadAndBelongsToIt() throws Exception {
        IxLoop loop = startOneLoop(IxIoHandlerConfig.defaults());
        assertThatThrownBy(loop::timerWheel).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("belongs to its loop thread");
        CompletableFuture<String> fired = new CompletableFuture<>();
        onLoop(loop, () -> loop.timerWheel().schedule(() -> fired.complete(Thread.currentThread().getName()),
                TimeUnit.MILLISECONDS.toNanos(20), System.nanoTime()));
        // Nothing else wakes the loop: the wheel's deadline must bound its wait.
        assertThat(fired.get(10, TimeUnit.SECONDS)).isEqualTo(loop.threadName());
        assertThat(loop.stats().timers()).isZero();
    }

    @Test
    void stallWatchdogCountsAndReportsATurnThatRunsPastItsBudget() throws Exception {
        IxLoop loop = startOneLoop(IxIoHandlerConfig.defaults().withStallBudget(50, TimeUnit.MILLISECONDS));
        // The watchdog looked at the blocked turn many times while it lasted: one stall is still one count.
        loop.executor().submit(IxLoopTest::blockTheLoop).get(10, TimeUnit.SECONDS);
        eventually(() -> loop.stats().stalls() == 1);
        Throwable report = loop.lastStall;
        assertThat(report).hasMessageContaining("stall budget 50 ms").hasMessageContaining("IxBackground");
        assertThat(report.getStackTrace()).anyMatch(f -> f.getMethodName().equals("blockTheLoop"));
        assertThat(loop.stats().stalls()).isEqualTo(1);
    }

    private static void blockTheLoop() {
        try {
            Thread.sleep(400);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void loopLeavesTheRegistryWhenItStops() throws Exception {
        IxLoop loop = startOneLoop(IxIoHandlerConfig.defaults());
        EventExecutor executor = loop.executor();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        assertThat(loop.isAlive()).isFalse();
        assertThat(loop.deathCause()).isNull();
        assertThat(IxLoop.of(executor)).isEmpty();
        group = null;
    }
}
