package dev.ix.transport;

import dev.ix.transport.test.RequiresIoUring;
import io.micrometer.core.instrument.DistributionSummary;
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
        long batches = registry.find("ix.transport.turn.completions").summaries().stream()
                .mapToLong(DistributionSummary::count).sum();
        assertThat(batches).isPositive();
        assertThat(registry.getMeters()).allMatch(m -> m.getId().getName().startsWith("ix.transport."))
                .extracting(Meter::getId).allMatch(id -> id.getTag("loop") != null);
        assertThat(registry.find("ix.transport.busy").gauges()).extracting(Gauge::getId)
                .allMatch(id -> "ratio".equals(id.getBaseUnit()));
    }
}
