package dev.ix.transport;

import dev.ix.transport.test.Poll;
import dev.ix.transport.test.RequiresIoUring;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A loop thread that dies: its connections close, the other loop goes on serving, nothing hangs. */
@RequiresIoUring
class IxLoopDeathTest {
    private final Map<Integer, Integer> loopOfClientPort = new ConcurrentHashMap<>();

    @ChannelHandler.Sharable
    private final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
            loopOfClientPort.put(remote.getPort(), IxLoop.current().orElseThrow().index());
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    private static int echo(Socket s) throws IOException {
        s.getOutputStream().write('x');
        return s.getInputStream().read();
    }

    @Test
    void deadLoopClosesItsConnectionsAndTheGroupServesOnTheOthers() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, IxIoHandler.newFactory());
        IxListeners listeners = IxListeners.bind(new ServerBootstrap().childHandler(new Echo()), group,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false);
        int port = listeners.localAddress().getPort();
        List<Socket> sockets = new ArrayList<>();
        try {
            Socket onLoop1 = null;
            for (int i = 0; i < 200 && onLoop1 == null; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                s.setSoTimeout(10_000);
                sockets.add(s);
                assertThat(echo(s)).isEqualTo('x');
                if (loopOfClientPort.get(s.getLocalPort()) == 1) {
                    onLoop1 = s;
                }
            }
            assertThat(onLoop1).isNotNull();
            IxLoop loop1 = IxLoop.allOf(group).get(1);

            loop1.addTurnObserver(n -> {
                throw new InternalError("injected fault");
            });
            loop1.executor().execute(() -> { });
            Poll.until(() -> !loop1.isAlive());
            assertThat(loop1.isAlive()).isFalse();
            assertThat(loop1.deathCause()).hasMessage("injected fault");

            int read;
            try {
                read = echo(onLoop1);
            } catch (IOException e) {
                read = -1;
            }
            assertThat(read).as("the dead loop's connection is closed").isEqualTo(-1);
            Poll.until(() -> !listeners.isServing(1));
            assertThat(listeners.isServing(1)).isFalse();
            for (int i = 0; i < 16; i++) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setSoTimeout(10_000);
                    assertThat(echo(s)).as("served by the loop still alive").isEqualTo('x');
                    assertThat(loopOfClientPort.get(s.getLocalPort())).isZero();
                }
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
            listeners.close();
            assertThat(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS))
                    .as("the group shuts down").isTrue();
        }
    }
}
