package dev.ix.transport;

import dev.ix.transport.IxControlPlane.Action;
import dev.ix.transport.IxControlPlane.Decision;
import dev.ix.transport.IxControlPlane.LoopSample;
import dev.ix.transport.IxControlPlane.Policy;
import dev.ix.transport.test.Poll;
import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The control plane's policy, and parking idle loops of a real server. */
class IxControlPlaneTest {
    private static final Policy POLICY = new Policy(0.25, 0.75, 1, 3, true);

    private static LoopSample serving(int loop, double busy) {
        return new LoopSample(loop, true, busy, 1, 1000);
    }

    private static LoopSample parked(int loop) {
        return new LoopSample(loop, false, 0, Double.NaN, Double.NaN);
    }

    @Test
    void parksTheHighestServingLoopAfterEnoughIdleSamples() {
        List<LoopSample> idle = List.of(serving(0, 0.1), serving(1, 0.05), serving(2, 0.0));
        Decision d = IxControlPlane.decide(idle, POLICY, 0);
        assertThat(d.action()).isEqualTo(Action.NONE);
        d = IxControlPlane.decide(idle, POLICY, d.calmSamples());
        assertThat(d.action()).isEqualTo(Action.NONE);
        d = IxControlPlane.decide(idle, POLICY, d.calmSamples());
        assertThat(d).isEqualTo(new Decision(Action.PARK, 2, 0));
    }

    @Test
    void oneBusySampleResetsTheIdleStreak() {
        Decision d = IxControlPlane.decide(List.of(serving(0, 0.1), serving(1, 0.1)), POLICY, 2);
        assertThat(d.action()).isEqualTo(Action.PARK);
        d = IxControlPlane.decide(List.of(serving(0, 0.5), serving(1, 0.1)), POLICY, 2);
        assertThat(d).isEqualTo(new Decision(Action.NONE, -1, 0));
    }

    @Test
    void neverParksBelowTheMinimumOfServingLoops() {
        List<LoopSample> samples = List.of(serving(0, 0.0), parked(1));
        assertThat(IxControlPlane.decide(samples, POLICY, 10).action()).isEqualTo(Action.NONE);
    }

    @Test
    void unparksTheLowestParkedLoopWhenAServingLoopIsBusy() {
        List<LoopSample> samples = List.of(serving(0, 0.9), parked(1), parked(2));
        assertThat(IxControlPlane.decide(samples, POLICY, 0)).isEqualTo(new Decision(Action.UNPARK, 1, 0));
    }

    @Test
    void unsampledLoopsAreNotIdle() {
        List<LoopSample> samples = List.of(serving(0, Double.NaN), serving(1, 0.0));
        assertThat(IxControlPlane.decide(samples, POLICY, 10).action()).isEqualTo(Action.NONE);
    }

    @Test
    void refusesIntervalsShorterThanTheLoopsSamplePeriod() {
        assertThatThrownBy(() -> IxControlPlane.start(null, Duration.ofMillis(100), POLICY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: >= 1 s");
    }

    @Test
    void policyRejectsInconsistentThresholds() {
        assertThatThrownBy(() -> new Policy(0.8, 0.5, 1, 1, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: 0 <= parkBelow < unparkAbove <= 1");
        assertThatThrownBy(() -> new Policy(0.1, 0.5, 0, 1, true)).hasMessageContaining("minServing: 0");
    }

    @Nested
    @RequiresIoUring
    class OnARealServer {
        @Test
        void elasticPolicyParksTheIdleLoopsOfAServer() throws Exception {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, IxIoHandler.newFactory());
            ServerBootstrap template = new ServerBootstrap().childHandler(new ChannelInboundHandlerAdapter());
            IxListeners listeners = IxListeners.bind(template, group,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false);
            try (IxControlPlane plane = IxControlPlane.start(listeners, Duration.ofSeconds(1),
                    new Policy(0.25, 0.75, 1, 1, true))) {
                // Idle loops report a busy fraction near 0 after their first second; then loop 1 is parked.
                Poll.until(() -> !listeners.isServing(1));
                assertThat(listeners.isServing(1)).isFalse();
                assertThat(listeners.isServing(0)).isTrue();
                assertThat(plane.samples()).hasSize(2).allMatch(s -> s.busyFraction() < 0.25);
            } finally {
                listeners.close();
                group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            }
        }
    }
}
