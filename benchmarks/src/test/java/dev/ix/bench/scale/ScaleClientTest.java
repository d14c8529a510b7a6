package dev.ix.bench.scale;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The client against a small in-process epoll echo server, and against a port nothing listens on. */
class ScaleClientTest {

    private static MultiThreadIoEventLoopGroup serverGroup;
    private static Channel echo;

    @BeforeAll
    static void startEchoServer() throws Exception {
        assumeTrue(Epoll.isAvailable(), "the client runs on Netty's epoll transport");
        serverGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        echo = new ServerBootstrap().group(serverGroup).channel(EpollServerSocketChannel.class)
                .childHandler(new Echo()).bind("127.0.0.1", 0).sync().channel();
    }

    @AfterAll
    static void stopEchoServer() {
        if (serverGroup != null) {
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void opensIdleAndActiveConnectionsAndMeasuresEveryMessageOfTheWindow() throws Exception {
        try (ScaleClient client = new ScaleClient((InetSocketAddress) echo.localAddress(), SourceAddresses.plan(40, 20),
                Duration.ofSeconds(5))) {
            ScaleClient.Outcome warmup = open(client, 10, ScaleClient.Role.WARMUP, 4, 100);
            assertThat(warmup.opened()).isEqualTo(10);
            ScaleClient.Outcome idle = open(client, 32, ScaleClient.Role.IDLE, 4, 100);
            assertThat(idle.opened()).isEqualTo(32);
            assertThat(idle.failures()).isEmpty();
            assertThat(idle.stoppedEarly()).isFalse();
            ScaleClient.Outcome active = open(client, 8, ScaleClient.Role.ACTIVE, 8, 100);
            assertThat(active.opened()).isEqualTo(8);

            EchoLoad.Result load = client.runLoad(2000, Duration.ofMillis(100), Duration.ofMillis(400));
            assertThat(load.sent()).isBetween(790L, 810L);
            assertThat(load.answered()).isEqualTo(load.sent());
            assertThat(load.total()).isGreaterThan(load.sent());
            assertThat(load.micros().getTotalCount()).isEqualTo(load.sent());
            assertThat(client.dropped()).as("the warm-up connections were closed by the client, not dropped").isZero();
        }
    }

    @Test
    void countsRefusedConnectionsAndStopsAfterTooManyFailures() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (ScaleClient client = new ScaleClient(new InetSocketAddress("127.0.0.1", closedPort),
                SourceAddresses.plan(100, 100), Duration.ofSeconds(5))) {
            ScaleClient.Outcome all = open(client, 20, ScaleClient.Role.IDLE, 4, 1000);
            assertThat(all.opened()).isZero();
            assertThat(all.failures()).containsOnlyKeys(ConnectError.REFUSED);
            assertThat(all.failed()).isEqualTo(20);
            assertThat(all.firstMessages().get(ConnectError.REFUSED)).containsIgnoringCase("connection refused");

            ScaleClient.Outcome stopped = open(client, 100, ScaleClient.Role.IDLE, 4, 10);
            assertThat(stopped.stoppedEarly()).isTrue();
            assertThat(stopped.failed()).isBetween(10, 13);
        }
    }

    private static ScaleClient.Outcome open(ScaleClient client, int count, ScaleClient.Role role, int inFlight,
                                            int maxFailures) throws Exception {
        return client.open(count, role, inFlight, maxFailures).result().get(10, TimeUnit.SECONDS);
    }

    @Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }
}
