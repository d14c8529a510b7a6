package dev.ix.transport;

import dev.ix.transport.test.RequiresIoUring;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.net.Socket;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The Micrometer binder: one set of ix.transport.* meters per loop, fed by the loops' counters. */
@RequiresIoUring
class IxTransportMetricsTest {
    private EventLoopGroup group;

    @AfterEach
    void stop() throws InterruptedException {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    @Test
    void bindsTheMetersOfEveryLoopAndTheyFollowTraffic() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, IxIoHandler.newFactory());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new IxTransportMetrics(group, Tags.of("server", "test")).bindTo(registry);
        IxListeners listeners = IxListeners.bind(new ServerBootstrap().childHandler(new Echo()), group,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false);
        int port = listeners.localAddress().getPort();
        for (int i = 0; i < 16; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.getOutputStream().write(new byte[10]);
                assertThat(s.getInputStream().readNBytes(10)).hasSize(10);
            }
        }
        listeners.close();

        for (String loop : new String[] {"0", "1"}) {
            assertThat(registry.find("ix.transport.turns").tags("loop", loop, "server", "test").functionCounter())
                    .isNotNull();
        }
        double received = registry.find("ix.transport.bytes.received").functionCounters().stream()
                .mapToDouble(FunctionCounter::count).sum();
        assertThat(received).isEqualTo(160);
        assertThat(registry.find("ix.transport.bytes.sent").functionCounter().getId().getBaseUnit())
                .isEqualTo("bytes");
        double opened = registry.find("ix.transport.connections.opened").functionCounters().stream()
                .mapToDouble(FunctionCounter::count).sum();
        assertThat(opened).isEqualTo(16);
        assertThat(registry.find("ix.transport.loop.alive").gauges()).hasSize(2)
                .allMatch(g -> g.value() == 1);
        assertThat(registry.find("ix.transport.mbufs.capacity").gauge().value())
                .isEqualTo(IxIoHandlerConfig.defaults().mbufCount());
        assertThat(registry.find("ix.transport.mbufs.leaks.reclaimed").functionCounters()).hasSize(2)
                .allMatch(c -> c.count() == 0);
        double turns = registry.find("ix.transport.turns").functionCounters().stream()
                .mapToDouble(FunctionCounter::count).sum();
        double byBatch = registry.find("ix.transport.turns.by.completions").functionCounters().stream()
                .mapToDouble(FunctionCounter::count).sum();
        assertThat(byBatch).as("every turn in one batch-size bucket").isPositive().isCloseTo(turns, within(turns));
        assertThat(registry.find("ix.transport.turns.by.completions").tags("loop", "0").functionCounters())
                .extracting(c -> c.getId().getTag("completions"))
                .containsExactlyInAnyOrder("0", "1", "2-3", "4-7", "8-15", "16-31", "32-63", "64-127", "128-255",
                        "256-511", "512-1023", "1024-2047", "2048-4095", "4096+");
        assertThat(registry.getMeters()).allMatch(m -> m.getId().getName().startsWith("ix.transport."))
                .extracting(Meter::getId).allMatch(id -> id.getTag("loop") != null);
        assertThat(registry.find("ix.transport.busy").gauges()).extracting(Gauge::getId)
                .allMatch(id -> "ratio".equals(id.getBaseUnit()));
    }
}
